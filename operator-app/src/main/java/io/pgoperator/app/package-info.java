/**
 * The PostgreSQL operator's process: {@link io.pgoperator.app.Main} parses the command line
 * ({@code cli}), starts the runtime with the PostgreSQL controller ({@code postgres}) against a
 * cluster or the in-process demo API server ({@code embedded}), and stops it on SIGTERM.
 */
package io.pgoperator.app;
