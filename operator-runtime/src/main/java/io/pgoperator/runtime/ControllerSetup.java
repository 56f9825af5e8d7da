package io.pgoperator.runtime;

import io.pgoperator.runtime.controller.ControllerVerticle;
import java.util.List;

/** What an operator plugs into the runtime: its controllers, built from the runtime's parts. */
@FunctionalInterface
public interface ControllerSetup {

  List<ControllerVerticle> controllers(RuntimeContext context);
}
