/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 *
 * The floor under a round trip on this machine: two processes ping-pong a 32-byte message
 * over loopback TCP (TCP_NODELAY), each waiting for the other's message the way a node's
 * reader might. Build and run:
 *
 *   cc -O2 -o /tmp/pingpong bench/pingpong.c && /tmp/pingpong blocking 50000
 *
 * Modes (how each side waits for the next message):
 *   blocking   a blocking read: the kernel wakes the reader (one system call a message)
 *   poll       a non-blocking socket: read, EAGAIN, poll, read (what a JDK SocketChannel
 *              in blocking mode does once its socket has been made non-blocking)
 *   toggle     a blocking read, and each write made non-blocking by two fcntl pairs
 *              (F_GETFL, F_SETFL) around it, as SocketChannel.configureBlocking does
 *   spin       a non-blocking socket read in a loop for up to 50 us, then poll
 *
 * Prints the mean round trip in microseconds. docs/benchmarks.md has figures.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum mode { BLOCKING, POLL, TOGGLE, SPIN };

#define MSG 32
#define SPIN_NANOS 50000L

static enum mode mode;

static long now_nanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void set_nonblocking(int fd, int on) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) < 0) {
        die("fcntl");
    }
}

static void wait_for(int fd, short events) {
    struct pollfd p = {.fd = fd, .events = events};
    if (poll(&p, 1, -1) < 0) {
        die("poll");
    }
}

/* One read as the mode waits for it: returns what read returned (> 0, or 0 at the end). */
static ssize_t read_some(int fd, char *into, size_t n) {
    long spin_start = mode == SPIN ? now_nanos() : 0;
    for (;;) {
        ssize_t r = read(fd, into, n);
        if (r >= 0) {
            return r;
        }
        if (errno != EAGAIN) {
            die("read");
        }
        if (mode == SPIN && now_nanos() - spin_start < SPIN_NANOS) {
            continue;
        }
        wait_for(fd, POLLIN);
    }
}

static void write_all(int fd, const char *from, size_t n) {
    if (mode == TOGGLE) {
        set_nonblocking(fd, 1);
    }
    while (n > 0) {
        ssize_t w = write(fd, from, n);
        if (w < 0) {
            if (errno != EAGAIN) {
                die("write");
            }
            wait_for(fd, POLLOUT); /* not reached with a 32-byte message and an empty buffer */
            continue;
        }
        from += w;
        n -= (size_t) w;
    }
    if (mode == TOGGLE) {
        set_nonblocking(fd, 0);
    }
}

/* Answers (or, when first, starts and ends) n exchanges on fd. */
static void play(int fd, int n, int first) {
    char buffer[MSG];
    memset(buffer, 1, sizeof buffer);
    if (first) {
        write_all(fd, buffer, MSG);
    }
    for (int i = 0; i < n; i++) {
        size_t got = 0;
        while (got < MSG) {
            ssize_t r = read_some(fd, buffer + got, MSG - got);
            if (r == 0) {
                fprintf(stderr, "pingpong: peer closed after %d exchanges\n", i);
                exit(1);
            }
            got += (size_t) r;
        }
        if (!(first && i == n - 1)) {
            write_all(fd, buffer, MSG);
        }
    }
}

static void prepare(int fd) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
        die("setsockopt");
    }
    if (mode == POLL || mode == SPIN) {
        set_nonblocking(fd, 1);
    }
}

int main(int argc, char **argv) {
    static const char *names[] = {"blocking", "poll", "toggle", "spin"};
    int n = argc > 2 ? atoi(argv[2]) : 50000;
    int known = 0;
    for (int m = BLOCKING; argc > 1 && m <= SPIN; m++) {
        if (strcmp(argv[1], names[m]) == 0) {
            mode = (enum mode) m;
            known = 1;
        }
    }
    if (!known || n <= 0) {
        fprintf(stderr, "usage: pingpong blocking|poll|toggle|spin [ROUND_TRIPS]\n");
        return 2;
    }
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (listener < 0 || bind(listener, (struct sockaddr *) &address, sizeof address) < 0
        || listen(listener, 1) < 0 || getsockname(listener, (struct sockaddr *) &address, &length) < 0) {
        die("listen");
    }
    pid_t child = fork();
    if (child < 0) {
        die("fork");
    }
    if (child == 0) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &address, sizeof address) < 0) {
            die("connect");
        }
        prepare(fd);
        play(fd, n, 0);
        return 0;
    }
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) {
        die("accept");
    }
    prepare(fd);
    long start = now_nanos();
    play(fd, n, 1);
    long elapsed = now_nanos() - start;
    int status = 0;
    waitpid(child, &status, 0);
    printf("%s: %d round trips, %.1f us each\n", names[mode], n, elapsed / 1e3 / n);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
