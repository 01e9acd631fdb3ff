// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What a wake-up costs on this machine when nothing is read: waits in epoll_wait with a timeout of
 * the given milliseconds, on an empty epoll set, for 5 s, and prints the CPU (getrusage) per wake.
 * The floor under any reader woken by a timer or the kernel, C or Java.
 *   gcc -O2 -o wake_cost wake_cost.c && ./wake_cost 1 && ./wake_cost 4 && ./wake_cost 10
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/epoll.h>
int main(int c, char **v) {
    int ms = atoi(v[1]); int secs = 5;
    int ep = epoll_create1(0);
    struct epoll_event ev;
    struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
    long n = 0;
    do { epoll_wait(ep, &ev, 1, ms); n++; clock_gettime(CLOCK_MONOTONIC, &t1); } while (t1.tv_sec - t0.tv_sec < secs);
    struct rusage ru; getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("timeout %d ms: %ld wakes, %.1f us cpu per wake, %.3f%% of a core\n", ms, n, cpu * 1e6 / n, cpu / secs * 100);
}
