package io.vigil.server;

import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code vigil serve} process that runs out of memory (or hits any other {@link VirtualMachineError}) ends at once
 * with exit code {@value #EXIT_CODE}, so that its supervisor (systemd, Kubernetes) restarts it and a standby takes
 * over. Before this, an {@code OutOfMemoryError} in HTTP ingest left a request unanswered and the instance limped on
 * with HA disabled (issue 19.2). The launcher also passes {@code -XX:+ExitOnOutOfMemoryError}, which covers errors
 * that some library catches; this handler covers errors that end a thread, and Vert.x's exception handler.
 *
 * <p>{@link Runtime#halt} rather than {@code exit}: shutdown hooks could need the memory that is missing, and the
 * store state they would write is rebuilt by the next active instance anyway. Other uncaught exceptions are logged.
 */
public final class FatalErrors {
    private static final Logger log = LoggerFactory.getLogger(FatalErrors.class);
    public static final int EXIT_CODE = 3;

    private final IntConsumer halt;

    FatalErrors(IntConsumer halt) {
        this.halt = halt;
    }

    /** Makes every thread's uncaught {@link VirtualMachineError} end the process (the {@code serve} command). */
    public static FatalErrors install() {
        FatalErrors f = new FatalErrors(code -> Runtime.getRuntime().halt(code));
        Thread.setDefaultUncaughtExceptionHandler(f::uncaught);
        return f;
    }

    /** For a thread that ended with {@code error}: halts on a {@link VirtualMachineError}, logs anything else. */
    void uncaught(Thread thread, Throwable error) {
        if (!fatal(error)) {
            log.error("thread {} ended with an uncaught exception. This is a bug: please report it with this trace",
                    thread.getName(), error);
            return;
        }
        try {
            // plain stderr: logging may need memory that is not there
            System.err.println("vigil: fatal " + error + " in thread " + thread.getName() + "; exiting with code "
                    + EXIT_CODE + " so that a supervisor restarts this instance (raise -Xmx via VIGIL_JAVA_OPTS, or "
                    + "lower limits.maxSources)");
        } finally {
            halt.accept(EXIT_CODE);
        }
    }

    /** Also for Vert.x's exception handler, which sees errors thrown by handlers on the event loops. */
    public void onEventLoopError(Throwable error) {
        if (fatal(error)) uncaught(Thread.currentThread(), error);
        else log.error("an event-loop handler failed. This is a bug: please report it with this trace", error);
    }

    static boolean fatal(Throwable error) {
        return error instanceof VirtualMachineError;
    }
}
