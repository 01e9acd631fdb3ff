/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Shared by the probe's variant test objects (probe_thread, probe_socket) and their Java tests. */
#ifndef PROBE_VARIANTS_H
#define PROBE_VARIANTS_H

/* The operation type every program of the variant objects times (it has a mode slot). */
#define PV_OP 7

#endif /* PROBE_VARIANTS_H */
