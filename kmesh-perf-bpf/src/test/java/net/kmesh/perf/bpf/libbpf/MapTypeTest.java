package net.kmesh.perf.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import net.kmesh.perf.BpfMapType;
import org.junit.jupiter.api.Test;

class MapTypeTest {

    @Test
    void everyConstantIsTheNumberOfTheEnumsTypeOfThatName() throws IllegalAccessException {
        int checked = 0;
        for (Field f : MapType.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && !f.getName().startsWith("F_")) {
                assertEquals(BpfMapType.valueOf(f.getName()).id(), f.getInt(null), f.getName());
                checked++;
            }
        }
        assertTrue(checked > 10, "constants checked: " + checked);
        assertEquals("lru_percpu_hash", MapType.name(MapType.LRU_PERCPU_HASH));
        assertEquals("type_1000", MapType.name(1000));
    }
}
