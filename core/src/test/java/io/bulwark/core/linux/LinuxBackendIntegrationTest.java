package io.bulwark.core.linux;

import static org.junit.jupiter.api.Assertions.*;

import io.bulwark.core.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LinuxBackendIntegrationTest {
    static Containers containers;

    @BeforeAll
    static void setUp() throws Exception {
        Requirements.require(Requirements.isRoot() && Containers.userNamespacesWork(), "root with user namespaces");
        containers = new Containers();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (containers != null) {
            containers.close();
        }
    }

    @Test
    void echoRunsInTheContainer() throws Exception {
        Containers.Result r = containers.run("echo", "hello");
        assertEquals(0, r.status());
        assertEquals("hello\n", r.output());
    }
}
