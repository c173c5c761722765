/*
 * PID 1 of a Bulwark microVM guest (first step; the shim takes this role once it speaks the plan as guest init).
 * Mounts /proc, /sys and /dev, runs the workload described in /.bulwark with the console as its stdio, reaps
 * every orphan, reports the workload's exit status through the exit device (port 0x501, compatible with QEMU's
 * isa-debug-exit) and powers the VM off.
 *
 * /.bulwark/argv  the workload's arguments, each NUL-terminated (required)
 * /.bulwark/env   its environment, each NUL-terminated (optional)
 * /.bulwark/cwd   its working directory (optional, default /)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_PORT 0x501
#define MAX_ITEMS 4096

static void report_and_power_off(int status)
{
	sync();
	/* The exit device ends the VM at once; power-off is the fallback for VMMs without one. */
	if (ioperm(EXIT_PORT, 2, 1) == 0)
		outb((unsigned char)status, EXIT_PORT);
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static void die(const char *what)
{
	dprintf(2, "bulwark-guest-init: %s: %s\n", what, strerror(errno));
	report_and_power_off(127);
}

/* Reads a file of NUL-terminated strings into a NULL-terminated vector. */
static char **read_list(const char *path, int required)
{
	static char empty[1];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (!required && errno == ENOENT) {
			char **v = calloc(1, sizeof(char *));
			return v;
		}
		die(path);
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		die(path);
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		die("malloc");
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0)
			die(path);
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	char **v = calloc(MAX_ITEMS + 1, sizeof(char *));
	if (!v)
		die("calloc");
	size_t n = 0;
	for (size_t i = 0; i < got && n < MAX_ITEMS; i += strlen(buf + i) + 1)
		v[n++] = buf + i;
	(void)empty;
	return v;
}

static void mount_or_die(const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data) < 0 && errno != EBUSY)
		die(dst);
}

int main(void)
{
	mount_or_die("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount_or_die("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount_or_die("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");

	int console = open("/dev/console", O_RDWR | O_NOCTTY);
	if (console >= 0) {
		dup2(console, 0);
		dup2(console, 1);
		dup2(console, 2);
		if (console > 2)
			close(console);
	}

	char **argv = read_list("/.bulwark/argv", 1);
	char **envp = read_list("/.bulwark/env", 0);
	if (!argv[0]) {
		errno = EINVAL;
		die("/.bulwark/argv is empty");
	}
	char cwd[4096] = "/";
	int fd = open("/.bulwark/cwd", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, cwd, sizeof(cwd) - 1);
		cwd[n > 0 ? n : 1] = 0;
		close(fd);
	}

	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		setsid();
		if (chdir(cwd) < 0)
			die(cwd);
		for (char **e = envp; *e; e++)
			if (strncmp(*e, "PATH=", 5) == 0)
				setenv("PATH", *e + 5, 1);
		execvpe(argv[0], argv, envp);
		dprintf(2, "bulwark-guest-init: exec %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}

	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			die("waitpid");
		if (pid == child) {
			int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			report_and_power_off(code);
		}
	}
}
