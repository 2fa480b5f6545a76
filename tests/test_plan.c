/*
 * test_plan.c - the placement plan (engine/src/sched_plan.c) on hwloc synthetic topologies:
 * 1, 2 and 4 NUMA nodes, SMT, odd core counts, restricted CPU sets; workloads with more
 * threads than rows, fewer rows than nodes, one huge row. Checked for every plan:
 *  - every row assigned exactly once (contiguous node ranges covering [0, rows) in order),
 *    or, for split rows, parts covering [0, n) exactly once;
 *  - each thread on a distinct PU of the allowed set (pin core, threads <= PUs), one PU per
 *    core before any second PU of a core, nodes in proportion to their PUs;
 *  - per-node loads within one row's bytes of their share (of each other for equal nodes).
 * Also this machine's topology: run as `taskset -c 0 test_plan` (CTest test_plan_taskset),
 * the allowed set, the summary and every plan hold CPU 0 only.
 * No test here runs an OpenMP region.
 */
#define _GNU_SOURCE
#include <check.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_plan.h"
#include "sched_topology.h"

typedef struct topo_case {
    const char *synthetic;
    const char *allowed; /* NULL: all */
    size_t pus, cores, nodes;
} topo_case;

static const topo_case topos[] = {
    {"pu:1", NULL, 1, 1, 1},
    {"core:2 pu:1", NULL, 2, 2, 1},
    {"core:4 pu:2", NULL, 8, 4, 1},
    {"numa:2 core:4 pu:1", NULL, 8, 8, 2},
    {"numa:2 core:8 pu:2", NULL, 32, 16, 2},
    {"numa:4 core:8 pu:2", NULL, 64, 32, 4},
    {"pack:2 numa:2 core:3 pu:2", NULL, 24, 12, 4},
    {"numa:2 core:5 pu:1", NULL, 10, 10, 2},
    {"numa:3 core:3 pu:3", NULL, 27, 9, 3},
    /* restricted: node 0 keeps 3 PUs of 2 cores, node 1 one core with both PUs */
    {"numa:2 core:4 pu:2", "0-2,12-13", 5, 3, 2},
    /* restricted to one node of two */
    {"numa:2 core:4 pu:2", "8-15", 8, 4, 1},
    {"numa:4 core:2 pu:1", "1,3,5", 3, 3, 3},
};
#define NUM_TOPOS (sizeof topos / sizeof topos[0])

typedef struct work_case {
    size_t rows, n, elem_bytes;
} work_case;

static const work_case works[] = {
    {8, 8192, 4},     /* the seed workload */
    {65536, 64, 4},   /* many short rows */
    {1024, 1024, 8},  /* a square batch */
    {4, 4194304, 4},  /* few long rows */
    {1, 16777216, 4}, /* one huge row */
    {3, 1000000, 12}, /* fewer rows than nodes, uneven rows per thread */
    {5, 100, 1},      /* more threads than rows, rows too short to split */
    {2, 1 << 20, 2},  /* fewer rows than nodes */
    {1000003, 7, 16}, /* a prime count of tiny rows */
    {0, 100, 4},      /* empty */
    {100, 0, 4},      /* empty rows */
};
#define NUM_WORKS (sizeof works / sizeof works[0])

static const rowsort_pin pins[] = {ROWSORT_PIN_NONE, ROWSORT_PIN_CORE, ROWSORT_PIN_NUMA};

static rs_topo *load(const topo_case *tc)
{
    rs_topo_source src = {tc->synthetic, NULL, tc->allowed};
    rs_topo *topo = NULL;
    const rowsort_status s = rs_topo_load(&src, &topo);
    ck_assert_msg(s == ROWSORT_OK, "load \"%s\" allowed %s: %s", tc->synthetic,
                  tc->allowed ? tc->allowed : "all", rowsort_status_string(s));
    return topo;
}

static int allowed_pu(const rs_topo_info *info, int pu)
{
    for (size_t i = 0; i < info->num_pus; i++)
        if ((int)info->pus[i].os_index == pu)
            return 1;
    return 0;
}

static const rs_topo_pu *pu_info(const rs_topo_info *info, int os)
{
    for (size_t i = 0; i < info->num_pus; i++)
        if ((int)info->pus[i].os_index == os)
            return &info->pus[i];
    return NULL;
}

/* Every invariant of one plan; msg names the case. */
static void check_plan(const rs_topo_info *info, const rs_plan_workload *w, const rs_plan *p,
                       const char *msg)
{
    ck_assert_msg(p->threads >= 1 && p->threads <= w->threads, "%s: %u threads", msg, p->threads);
    ck_assert_msg(p->num_nodes >= 1 && p->num_nodes <= info->num_nodes, "%s: %zu nodes", msg,
                  p->num_nodes);
    ck_assert_msg(p->chunk_rows >= 1, "%s: chunk", msg);
    /* threads: contiguous per node, all of them */
    unsigned next_thread = 0;
    for (size_t i = 0; i < p->num_nodes; i++) {
        const rs_plan_node *pn = &p->node[i];
        ck_assert_msg(pn->thread_begin == next_thread && pn->thread_count >= 1,
                      "%s: node %zu threads %u+%u", msg, i, pn->thread_begin, pn->thread_count);
        for (unsigned t = pn->thread_begin; t < pn->thread_begin + pn->thread_count; t++)
            ck_assert_msg(p->thread[t].node == i, "%s: thread %u node", msg, t);
        next_thread += pn->thread_count;
    }
    ck_assert_msg(next_thread == p->threads, "%s: %u of %u threads in nodes", msg, next_thread,
                  p->threads);

    /* rows */
    if (p->split) {
        ck_assert_msg(p->threads >= 2 && w->splittable, "%s: split", msg);
        for (size_t i = 0; i < p->num_nodes; i++)
            ck_assert_msg(p->node[i].row_begin == 0 && p->node[i].row_end == w->rows,
                          "%s: split rows", msg);
        size_t expect = 0;
        for (unsigned t = 0; t < p->threads; t++) {
            size_t b, e;
            rs_plan_part(w->n, p->threads, t, &b, &e);
            ck_assert_msg(b == expect && e >= b && e - b >= w->n / p->threads &&
                              e - b <= w->n / p->threads + 1,
                          "%s: part %u [%zu, %zu)", msg, t, b, e);
            expect = e;
        }
        ck_assert_msg(expect == w->n, "%s: parts cover %zu of %zu", msg, expect, w->n);
    } else {
        size_t expect = 0;
        for (size_t i = 0; i < p->num_nodes; i++) {
            const rs_plan_node *pn = &p->node[i];
            ck_assert_msg(pn->row_begin == expect && pn->row_end >= pn->row_begin,
                          "%s: node %zu rows [%zu, %zu) after %zu", msg, i, pn->row_begin,
                          pn->row_end, expect);
            expect = pn->row_end;
            /* within one row of its share: |rows_i * T - rows * k_i| < T */
            const long double share = (long double)w->rows * pn->thread_count / p->threads;
            const long double got = (long double)(pn->row_end - pn->row_begin);
            ck_assert_msg(got - share < 1 && share - got < 1,
                          "%s: node %zu has %zu rows, share %Lf", msg, i,
                          pn->row_end - pn->row_begin, share);
        }
        ck_assert_msg(expect == w->rows, "%s: rows cover %zu of %zu", msg, expect, w->rows);
        /* nodes with as many threads: loads within one row's bytes of each other */
        for (size_t i = 0; i < p->num_nodes; i++)
            for (size_t j = 0; j < p->num_nodes; j++) {
                if (p->node[i].thread_count != p->node[j].thread_count)
                    continue;
                const size_t a = p->node[i].row_end - p->node[i].row_begin;
                const size_t b = p->node[j].row_end - p->node[j].row_begin;
                ck_assert_msg((a > b ? a - b : b - a) <= 1, "%s: nodes %zu/%zu: %zu vs %zu rows",
                              msg, i, j, a, b);
            }
        if (w->rows > 0 && w->n > 0)
            ck_assert_msg(p->threads <= w->rows, "%s: %u threads for %zu whole rows", msg,
                          p->threads, w->rows);
    }

    /* placement */
    if (p->pin == ROWSORT_PIN_NONE) {
        ck_assert_msg(p->num_nodes == 1 && p->node[0].os_index == -1, "%s: none: nodes", msg);
        for (unsigned t = 0; t < p->threads; t++)
            ck_assert_msg(p->thread[t].pu == -1, "%s: none: thread %u bound", msg, t);
        return;
    }
    size_t cores_used = 0;
    for (unsigned t = 0; t < p->threads; t++) {
        const rs_plan_thread *pt = &p->thread[t];
        const int node_os = p->node[pt->node].os_index;
        int node_known = 0;
        for (size_t k = 0; k < info->num_nodes; k++)
            node_known |= (int)info->node_os_index[k] == node_os;
        ck_assert_msg(node_known, "%s: thread %u on node P#%d", msg, t, node_os);
        if (p->pin == ROWSORT_PIN_NUMA) {
            ck_assert_msg(pt->pu == -1, "%s: numa: thread %u on one PU", msg, t);
            continue;
        }
        ck_assert_msg(allowed_pu(info, pt->pu), "%s: thread %u on PU %d, not allowed", msg, t,
                      pt->pu);
        const rs_topo_pu *pu = pu_info(info, pt->pu);
        ck_assert_msg((int)info->node_os_index[pu->node] == node_os,
                      "%s: thread %u: PU %d not in node P#%d", msg, t, pt->pu, node_os);
        if (p->threads <= info->num_pus)
            for (unsigned u = 0; u < t; u++)
                ck_assert_msg(p->thread[u].pu != pt->pu, "%s: threads %u and %u on PU %d", msg, u,
                              t, pt->pu);
        if (pu->smt == 0)
            cores_used++;
    }
    /* one PU per core first: with threads <= cores, no core holds two threads */
    if (p->pin == ROWSORT_PIN_CORE && p->threads <= info->num_cores)
        ck_assert_msg(cores_used == p->threads, "%s: %zu cores for %u threads", msg, cores_used,
                      p->threads);
    /* threads spread over the nodes in proportion to their PUs (at most one off) */
    for (size_t i = 0; i < p->num_nodes; i++) {
        size_t node_pus = 0, k = 0;
        while ((int)info->node_os_index[k] != p->node[i].os_index)
            k++;
        for (size_t u = 0; u < info->num_pus; u++)
            node_pus += info->pus[u].node == k;
        const long double share = (long double)p->threads * node_pus / info->num_pus;
        ck_assert_msg(p->node[i].thread_count < share + 1 && p->node[i].thread_count > share - 1,
                      "%s: node P#%d: %u threads, share %Lf", msg, p->node[i].os_index,
                      p->node[i].thread_count, share);
    }
}

START_TEST(test_synthetic_summaries)
{
    for (size_t i = 0; i < NUM_TOPOS; i++) {
        rs_topo *topo = load(&topos[i]);
        const rs_topo_info *info = rs_topo_summary(topo);
        ck_assert_msg(info->num_pus == topos[i].pus && info->num_cores == topos[i].cores &&
                          info->num_nodes == topos[i].nodes,
                      "\"%s\" allowed %s: %zu PUs %zu cores %zu nodes", topos[i].synthetic,
                      topos[i].allowed ? topos[i].allowed : "all", info->num_pus, info->num_cores,
                      info->num_nodes);
        ck_assert(!rs_topo_is_this_system(topo));
        ck_assert(!rs_topo_can_bind_threads(topo));
        rs_topo_destroy(topo);
    }
}
END_TEST

START_TEST(test_plans)
{
    const topo_case *tc = &topos[_i];
    rs_topo *topo = load(tc);
    const rs_topo_info *info = rs_topo_summary(topo);
    const unsigned counts[] = {1,
                               2,
                               3,
                               (unsigned)info->num_cores,
                               (unsigned)info->num_pus,
                               (unsigned)info->num_pus + 1,
                               2 * (unsigned)info->num_pus + 3};
    for (size_t wi = 0; wi < NUM_WORKS; wi++)
        for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++)
            for (size_t pi = 0; pi < 3; pi++)
                for (int splittable = 0; splittable < 2; splittable++) {
                    rs_plan_workload w = {works[wi].rows, works[wi].n, works[wi].elem_bytes,
                                          counts[ci], splittable, splittable};
                    rs_plan_options o = {pins[pi], 0, 0};
                    char msg[512];
                    snprintf(msg, sizeof msg,
                             "topology \"%s\" allowed %s, %zux%zu (%zu B), %u threads, pin %d, "
                             "splittable %d",
                             tc->synthetic, tc->allowed ? tc->allowed : "all", w.rows, w.n,
                             w.elem_bytes, w.threads, (int)o.pin, splittable);
                    rs_plan plan;
                    ck_assert_msg(rs_plan_make(info, &w, &o, &plan) == ROWSORT_OK, "%s", msg);
                    check_plan(info, &w, &plan, msg);
                    int split;
                    ck_assert_msg(rs_plan_threads(&w, &o, &split) == plan.threads &&
                                      split == plan.split,
                                  "%s: rs_plan_threads disagrees", msg);
                    rs_plan_free(&plan);
                }
    rs_topo_destroy(topo);
}
END_TEST

/* The cost model: the decisions the scaling table relies on. */
START_TEST(test_cost_model)
{
    const rs_plan_options o = {ROWSORT_PIN_CORE, 0, 0};
    int split;
    /* 8 x 8192 on 2 threads: both, whole rows */
    rs_plan_workload w = {8, 8192, 4, 2, 1, 0};
    ck_assert_uint_eq(rs_plan_threads(&w, &o, &split), 2);
    ck_assert_int_eq(split, 0);
    /* too little work for a second thread */
    w = (rs_plan_workload){4, 1000, 4, 2, 1, 0};
    ck_assert_uint_eq(rs_plan_threads(&w, &o, &split), 1);
    /* one huge row: split over every thread */
    w = (rs_plan_workload){1, 16777216, 4, 16, 1, 0};
    ck_assert_uint_eq(rs_plan_threads(&w, &o, &split), 16);
    ck_assert_int_eq(split, 1);
    /* ... unless the row cannot be split: one thread */
    w.splittable = 0;
    ck_assert_uint_eq(rs_plan_threads(&w, &o, &split), 1);
    ck_assert_int_eq(split, 0);
    /* 4 long rows on 2 threads: whole rows, even */
    w = (rs_plan_workload){4, 4194304, 4, 2, 1, 0};
    ck_assert_uint_eq(rs_plan_threads(&w, &o, &split), 2);
    ck_assert_int_eq(split, 0);
    /* 3 long rows on 2 threads: split (whole rows would idle a quarter) */
    w = (rs_plan_workload){3, 4194304, 4, 2, 1, 0};
    ck_assert_uint_eq(rs_plan_threads(&w, &o, &split), 2);
    ck_assert_int_eq(split, 1);
    /* 4 long rows on 16 threads: split, parts of 1M */
    w = (rs_plan_workload){4, 4194304, 4, 16, 1, 0};
    ck_assert_uint_eq(rs_plan_threads(&w, &o, &split), 16);
    ck_assert_int_eq(split, 1);
    /* a row of 200000 on 16 threads: parts of at least RS_PLAN_MIN_SPLIT_ELEMS */
    w = (rs_plan_workload){1, 200000, 4, 16, 1, 0};
    ck_assert_uint_eq(rs_plan_threads(&w, &o, &split), 3);
    ck_assert_int_eq(split, 1);
}
END_TEST

/* Binding: only calls of RS_PLAN_MIN_BIND_BYTES per thread and more (or the threshold the
 * options give) bind their threads; the placement itself does not change. */
START_TEST(test_bind_threshold)
{
    const topo_case tc = {"numa:2 core:4 pu:2", NULL, 16, 8, 2};
    rs_topo *topo = load(&tc);
    const rs_topo_info *info = rs_topo_summary(topo);
    const struct {
        rs_plan_workload w;
        rowsort_pin pin;
        size_t min_bind;
        int bind;
    } cases[] = {
        {{8, 8192, 4, 2, 1, 0}, ROWSORT_PIN_CORE, 0, 0},   /* the seed: 128 KiB a thread */
        {{63, 8192, 4, 2, 1, 0}, ROWSORT_PIN_CORE, 0, 0},  /* just under 1 MiB a thread */
        {{64, 8192, 4, 2, 1, 0}, ROWSORT_PIN_CORE, 0, 1},  /* 1 MiB a thread */
        {{64, 8192, 4, 2, 1, 0}, ROWSORT_PIN_NUMA, 0, 1},
        {{64, 8192, 4, 2, 1, 0}, ROWSORT_PIN_NONE, 0, 0},
        {{64, 8192, 4, 1, 1, 0}, ROWSORT_PIN_CORE, 0, 0},  /* one thread binds nothing */
        {{8, 8192, 4, 2, 1, 0}, ROWSORT_PIN_CORE, 1, 1},   /* threshold of one byte */
        {{8, 8192, 4, 2, 1, 0}, ROWSORT_PIN_CORE, 131072, 1},
        {{8, 8192, 4, 2, 1, 0}, ROWSORT_PIN_CORE, 131073, 0},
        {{1, 16777216, 4, 16, 1, 1}, ROWSORT_PIN_CORE, 0, 1}, /* split row: 4 MiB a thread */
        {{65536, 64, 8, 16, 1, 0}, ROWSORT_PIN_NUMA, 0, 1},   /* key and index: 2 MiB */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const rs_plan_options o = {cases[i].pin, 0, cases[i].min_bind};
        rs_plan plan;
        ck_assert_int_eq(rs_plan_make(info, &cases[i].w, &o, &plan), ROWSORT_OK);
        ck_assert_msg(plan.bind == cases[i].bind, "case %zu: bind %d", i, plan.bind);
        check_plan(info, &cases[i].w, &plan, "bind threshold");
        if (cases[i].pin == ROWSORT_PIN_CORE && plan.threads > 1)
            ck_assert_int_ge(plan.thread[1].pu, 0); /* PUs still planned when not bound */
        char buf[4096];
        rs_plan_describe(&plan, &cases[i].w, buf, sizeof buf, 0);
        const int says = strstr(buf, "threads not bound in this call") != NULL;
        ck_assert_msg(says == (cases[i].pin != ROWSORT_PIN_NONE && plan.threads > 1 && !plan.bind),
                      "case %zu: %s", i, buf);
        rs_plan_free(&plan);
    }
    rs_topo_destroy(topo);
}
END_TEST

START_TEST(test_bad_sources)
{
    rs_topo *topo = NULL;
    const rs_topo_source bad = {"numa:2 blah:3", NULL, NULL};
    ck_assert_int_eq(rs_topo_load(&bad, &topo), ROWSORT_E_TOPOLOGY);
    const rs_topo_source none = {"numa:2 core:2 pu:1", NULL, "17-20"};
    ck_assert_int_eq(rs_topo_load(&none, &topo), ROWSORT_E_TOPOLOGY);
    const rs_topo_source xml = {NULL, "/nonexistent/topology.xml", NULL};
    ck_assert_int_eq(rs_topo_load(&xml, &topo), ROWSORT_E_TOPOLOGY);
}
END_TEST

START_TEST(test_describe)
{
    const topo_case tc = {"numa:2 core:4 pu:2", NULL, 16, 8, 2};
    rs_topo *topo = load(&tc);
    const rs_plan_workload w = {1000, 1000, 4, 4, 1, 0};
    const rs_plan_options o = {ROWSORT_PIN_CORE, 0, 0};
    rs_plan plan;
    ck_assert_int_eq(rs_plan_make(rs_topo_summary(topo), &w, &o, &plan), ROWSORT_OK);
    char buf[4096];
    size_t len = rs_topo_describe(topo, buf, sizeof buf);
    len = rs_plan_describe(&plan, &w, buf, sizeof buf, len);
    ck_assert_uint_lt(len, sizeof buf);
    ck_assert_msg(strstr(buf, "NUMA node P#1: 4 cores, PUs 8-15") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "thread 2 -> PU P#8 (core 4)") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "rows 500-999") != NULL, "%s", buf);
    /* cut to fit, NUL-terminated, full length reported */
    char small[16];
    const size_t want = rs_topo_describe(topo, NULL, 0);
    ck_assert_uint_eq(rs_topo_describe(topo, small, sizeof small), want);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
    rs_plan_free(&plan);
    rs_topo_destroy(topo);
}
END_TEST

/* This machine, as the process may use it. Under `taskset -c 0` (test_plan_taskset): only
 * CPU 0, whatever the machine has. */
START_TEST(test_this_machine)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
    rs_topo *topo = NULL;
    ck_assert_int_eq(rs_topo_load(NULL, &topo), ROWSORT_OK);
    const rs_topo_info *info = rs_topo_summary(topo);
    ck_assert(rs_topo_is_this_system(topo));
    ck_assert_uint_eq(info->num_pus, (size_t)CPU_COUNT(&set));
    for (size_t i = 0; i < info->num_pus; i++)
        ck_assert_msg(CPU_ISSET(info->pus[i].os_index, &set), "PU %u not in the affinity mask",
                      info->pus[i].os_index);
    const char *only0 = getenv("RS_TEST_ONLY_CPU0");
    if (only0 != NULL && *only0 == '1') {
        ck_assert_uint_eq(info->num_pus, 1);
        ck_assert_uint_eq(info->pus[0].os_index, 0);
    }
    for (unsigned threads = 1; threads <= 4; threads++)
        for (size_t pi = 0; pi < 3; pi++) {
            const rs_plan_workload w = {64, 100000, 4, threads, 1, 0};
            const rs_plan_options o = {pins[pi], 0, 0};
            rs_plan plan;
            ck_assert_int_eq(rs_plan_make(info, &w, &o, &plan), ROWSORT_OK);
            char msg[128];
            snprintf(msg, sizeof msg, "this machine, %u threads, pin %d", threads, (int)o.pin);
            check_plan(info, &w, &plan, msg);
            for (unsigned t = 0; t < plan.threads; t++)
                if (plan.thread[t].pu >= 0)
                    ck_assert_msg(CPU_ISSET(plan.thread[t].pu, &set), "%s: PU %d", msg,
                                  plan.thread[t].pu);
            rs_plan_free(&plan);
        }
    rs_topo_destroy(topo);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("synthetic");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_synthetic_summaries);
    tcase_add_loop_test(tc, test_plans, 0, (int)NUM_TOPOS);
    tcase_add_test(tc, test_cost_model);
    tcase_add_test(tc, test_bind_threshold);
    tcase_add_test(tc, test_bad_sources);
    tcase_add_test(tc, test_describe);
    suite_add_tcase(s, tc);
    TCase *tm = tcase_create("machine");
    tcase_add_test(tm, test_this_machine);
    suite_add_tcase(s, tm);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
