package io.bulwark.apparmor;

import io.bulwark.core.BulwarkException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real host: files through java.nio, apparmor_parser as a child process (bounded in time). */
public final class LinuxAppArmorHost implements AppArmorHost {
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int EIO = 5;
    private static final long PARSER_TIMEOUT_SECONDS = 60;

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public int write(Path path, String content) {
        try (OutputStream out = new FileOutputStream(path.toFile(), true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
            return 0;
        } catch (NoSuchFileException e) {
            return ENOENT;
        } catch (AccessDeniedException e) {
            return EACCES;
        } catch (IOException e) {
            return Files.exists(path) ? EIO : ENOENT;
        }
    }

    @Override
    public CommandResult run(List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(PARSER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BulwarkException(command.get(0) + " did not finish within " + PARSER_TIMEOUT_SECONDS + " s");
            }
            return new CommandResult(p.exitValue(), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BulwarkException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException("interrupted while running " + command.get(0), e);
        }
    }
}
