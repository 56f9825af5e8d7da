/**
 * The controller loop: sources → queue → workers → reconciler. A {@link
 * io.pgoperator.runtime.controller.ControllerVerticle} owns one work queue on its own Vert.x
 * context; informers feed it on every replica, but workers take keys only while this replica
 * leads and the caches have synced. Each outcome maps to one queue action, as in
 * controller-runtime: error → rate-limited retry; terminal error → no retry; requeue-after →
 * forget, then add after the delay; success → forget.
 */
package io.pgoperator.runtime.controller;
