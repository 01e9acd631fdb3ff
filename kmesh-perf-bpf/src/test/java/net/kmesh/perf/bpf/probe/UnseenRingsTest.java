package net.kmesh.perf.bpf.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnseenRingsTest {
    private static final int NONE = ProbeLocator.NONE;

    @Test
    void pinsBeforeTheRingAttachedButTheLastWereNeverSeen() {
        UnseenRings u = new UnseenRings();
        u.pinsMade(3);
        u.settle(true, 12, 12, "test");
        assertEquals(2, u.missed());
        u.pinsMade(1);
        u.settle(true, 13, 13, "test");
        assertEquals(2, u.missed(), "one pin, one ring attached");
    }

    @Test
    void pinsGoneAgainBeforeAnyAttachWereAllUnseen() {
        UnseenRings u = new UnseenRings();
        u.pinsMade(2);
        u.settle(false, NONE, NONE, "test");
        assertEquals(2, u.missed());
    }

    @Test
    void aPinOfTheRingAlreadyAttachedIsNoNewRing() {
        UnseenRings u = new UnseenRings();
        u.pinsMade(1);
        u.settle(false, 12, 12, "test");
        assertEquals(0, u.missed());
        u.pinsMade(1);
        u.settle(true, 13, 13, "test");
        assertEquals(0, u.missed(), "the pin settled before does not count again");
    }

    @Test
    void aPinWhoseRingIsNotAttachedYetWaits() {
        UnseenRings u = new UnseenRings();
        u.pinsMade(1);
        u.settle(false, 14, NONE, "test");
        assertEquals(0, u.missed());
        u.settle(true, 14, 14, "test");
        assertEquals(0, u.missed(), "attached on a retry: the pin was that ring");
    }
}
