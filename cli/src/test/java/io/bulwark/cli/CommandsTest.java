package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandsTest {
    @Test
    void everyListedVerbMakesTheCommandOfThatName() {
        for (String name : Commands.NAMES) {
            assertEquals(name, Commands.byName(name).name());
        }
        assertEquals(Commands.NAMES, List.copyOf(Commands.all().keySet()));
    }

    @Test
    void anUnknownVerbHasNoCommand() {
        assertNull(Commands.byName("frobnicate"));
        assertNull(Commands.byName("Run"));
    }
}
