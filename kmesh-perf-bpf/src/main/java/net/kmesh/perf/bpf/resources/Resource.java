package net.kmesh.perf.bpf.resources;

/** The two things read of a daemon; each is placed on its own, as a hybrid host splits them. */
enum Resource {
    MEMORY("memory"),
    CPU("cpu");

    private final String label;

    Resource(String label) {
        this.label = label;
    }

    /** The word that starts a note about this resource. */
    String label() {
        return label;
    }
}
