package io.bulwark.vmm;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Feeds a host stream (stdin) to a VM's UART on a daemon thread, holding back while the guest's FIFO is full. */
public final class ConsoleInput {
    private ConsoleInput() {
    }

    public static Thread start(Vm vm, InputStream in, String threadName) {
        Thread t = new Thread(() -> pump(vm, in), threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void pump(Vm vm, InputStream in) {
        byte[] buf = new byte[256];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                byte[] chunk = Arrays.copyOf(buf, n);
                int offered = 0;
                while (offered < chunk.length && vm.outcome() == null) {
                    offered += vm.console().queueInput(Arrays.copyOfRange(chunk, offered, chunk.length));
                    if (offered < chunk.length) {
                        Thread.sleep(10); // the guest has not read what it was sent yet
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // stdin closed or the VM ended: nothing more to send
        }
    }
}
