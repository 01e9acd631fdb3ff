package net.kmesh.perf.examples;

/** A failure of the demo itself (not of the monitor), with a one-line message that says what to do. */
final class DemoException extends RuntimeException {
    DemoException(String message, Throwable cause) {
        super(message, cause);
    }
}
