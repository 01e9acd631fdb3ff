package net.kmesh.perf.examples.view;

import java.util.List;

/** One family of statistics in the live view. */
public interface Section {
    /** The section's lines in the full-screen view, a heading first. */
    List<String> lines(Interval interval);

    /** The section in the one-line summary printed when stdout is not a terminal. */
    String summary(Interval interval);
}
