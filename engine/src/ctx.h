/*
 * ctx.h - a context's parts, for the library's own tests (engine/src/api.c owns the
 * context): its scheduler team, whose scratch they inspect.
 */
#ifndef RS_CTX_H
#define RS_CTX_H

#include "rowsort.h"
#include "sched_team.h"

rs_sched_team *rs_ctx_team(const rowsort_ctx *ctx);

#endif
