package io.vigil.server;

/**
 * Starts the pull side (collectors, global heartbeat, delayed actions, action queues) inside {@code vigil serve}
 * when the configuration has datasources; registers its endpoints and closes it with the server through
 * {@link VigilServer#addCapability}.
 */
final class CollectWiring {
    private CollectWiring() {
    }

    static void start(VigilServer server) {
        // no pull capability configured in this build yet
    }
}
