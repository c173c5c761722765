/*
 * The conformance suite's console-socket peer, as containerd's and Podman's are: listens on an AF_UNIX socket,
 * receives the container's pty master over SCM_RIGHTS, and copies what the container writes to it into a file
 * until the container closes its side (or a timeout passes).
 *
 *   recvtty SOCKET OUTFILE TIMEOUT_SECONDS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int receive_fd(int conn)
{
    char data[256];
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0) {
        perror("recvtty: recvmsg");
        return -1;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int fd;
            memcpy(&fd, CMSG_DATA(c), sizeof fd);
            return fd;
        }
    }
    fprintf(stderr, "recvtty: no file descriptor in the message\n");
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: recvtty SOCKET OUTFILE TIMEOUT_SECONDS\n");
        return 2;
    }
    int timeout_ms = atoi(argv[3]) * 1000;
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (sock < 0 || strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "recvtty: bad socket path\n");
        return 2;
    }
    strcpy(addr.sun_path, argv[1]);
    unlink(argv[1]);
    if (bind(sock, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(sock, 1) != 0) {
        perror("recvtty: bind/listen");
        return 2;
    }
    struct pollfd p = {.fd = sock, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) != 1) {
        fprintf(stderr, "recvtty: no connection within the timeout\n");
        return 3;
    }
    int conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
    int master = conn < 0 ? -1 : receive_fd(conn);
    if (master < 0) {
        return 4;
    }
    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        perror("recvtty: output file");
        return 2;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed >= timeout_ms) {
            fprintf(stderr, "recvtty: timed out waiting for the container to close its terminal\n");
            return 5;
        }
        struct pollfd m = {.fd = master, .events = POLLIN};
        int ready = poll(&m, 1, (int)(timeout_ms - elapsed));
        if (ready <= 0) {
            continue;
        }
        char buf[4096];
        ssize_t n = read(master, buf, sizeof buf);
        if (n <= 0) {
            /* EIO: every slave side is closed, the container has exited. */
            break;
        }
        if (write(out, buf, (size_t)n) != n) {
            perror("recvtty: write");
            return 2;
        }
    }
    close(out);
    return 0;
}
