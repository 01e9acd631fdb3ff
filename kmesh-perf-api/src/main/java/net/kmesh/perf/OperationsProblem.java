package net.kmesh.perf;

import java.util.Locale;
import java.util.Objects;

/**
 * Why a monitor has no operation durations to give, or cannot vouch that it will: the reason in a
 * word an alert can match, and a sentence for the operator that names the fix.
 *
 * @param reason  the kind of problem
 * @param message what is wrong and what to do about it
 */
public record OperationsProblem(Reason reason, String message) {
    /**
     * Validates the problem.
     *
     * @param reason  the kind of problem
     * @param message what is wrong and what to do, not blank
     */
    public OperationsProblem {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        if (message.isBlank()) {
            throw new IllegalArgumentException("an operations problem needs a message");
        }
    }

    /** The kinds of problem, each the value of a {@code reason} tag. */
    public enum Reason {
        /** The source names no ring now (the data plane is not running, or restarting): operations are off. */
        WAITING,
        /** A ring is attached but no loaded program writes it (Kmesh built without its probe): operations are off. */
        NOT_WRITTEN,
        /** The data plane is Kmesh in ads mode, which has no probe ring at all: operations are off, nothing to wait for. */
        ADS_MODE,
        /**
         * A ring is attached but whether a program writes it cannot be checked (listing programs needs
         * CAP_SYS_ADMIN): operations stay on.
         */
        WRITER_UNKNOWN;

        /**
         * The value of the {@code reason} tag, e.g. {@code ads_mode}.
         *
         * @return the lower-case name
         */
        public String tagValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Whether operations are off for this reason.
         *
         * @return false only for {@link #WRITER_UNKNOWN}
         */
        public boolean disablesOperations() {
            return this != WRITER_UNKNOWN;
        }
    }
}
