/**
 * Informer sources: where keys come from. An {@link io.pgoperator.runtime.source.InformerSource}
 * runs a fabric8 shared informer per watched namespace, keeps its cache warm on every replica
 * (leader or not), hops each event from fabric8's thread onto the owning verticle's context and
 * maps it to primary keys with a {@link io.pgoperator.runtime.source.KeyMapper}: the object's own
 * key, its controller owner's key, or a custom function. Events seen before the initial list has
 * synced, and resyncs (an update with an unchanged resourceVersion), are low priority; live watch
 * events are high priority, so a user's fresh change never waits behind routine keys. The caches
 * hold each object in its {@link io.pgoperator.runtime.source.CachedForm}: what a
 * {@link io.pgoperator.runtime.source.CacheTransform} keeps of it, compacted (interned strings,
 * immutable collections, equal parts shared across objects), so thousands of cached objects cost
 * little heap; cached objects are shared and never modified.
 */
package io.pgoperator.runtime.source;
