/* mlc_abi.h: the one contract between C emitted by mlc and the pybind11 runtime.
 *
 * Every compiled function is one plain-C translation unit that exports
 *
 *     int64_t mlc_entry(mlc_ctx *ctx, char **data,
 *                       const int64_t *shapes, const int64_t *strides);
 *
 * Inputs (explicit inputs first, then shared variables, in the order the runtime was
 * told) are passed as
 *   data[i]     pointer to the input's first element (offset already applied),
 *   shapes      all inputs' sizes concatenated (input i owns ndim_i entries),
 *   strides     all inputs' strides, in ELEMENTS (not bytes), concatenated likewise.
 * A 0-d input owns no entries in shapes/strides.
 *
 * Results (function outputs first, then update values) are never passed in: the emitted
 * code computes each result's shape and asks the runtime for a fresh C-contiguous buffer
 *
 *     char *buf = ctx->alloc_output(ctx, k, shape);    (shape: ndim_k entries)
 *
 * which returns NULL on failure (a Python exception is then pending). Every result k is
 * requested exactly once per successful call.
 *
 * Return value: 0 on success. On failure the emitted code stores an error index in
 * ctx->err_code (>= 1) and up to four integers in ctx->err_vals, frees its scratch memory
 * and returns ctx->err_code. The runtime turns the index into a message through a table it
 * received from Python (messages never travel through C, so no user string is ever
 * embedded in emitted code). err_code == MLC_ERR_ALLOC means alloc_output or malloc
 * failed.
 *
 * Interrupts: long loops call ctx->poll(ctx) every so often (about every 2^18 innermost
 * iterations); a nonzero answer means a Python exception is pending (KeyboardInterrupt
 * from Ctrl-C, or whatever a signal handler raised): the emitted code stores
 * MLC_ERR_PYTHON in ctx->err_code and returns, and the call fails with that exception,
 * storing no update. poll may be NULL (never interrupted).
 *
 * Two optional exports (emitted code always has both):
 *
 *     const char mlc_layout[] = "args=f8:1,f8:0;results=f8:1;messages=5";
 *
 * states the argument layout the code was compiled for: per argument (inputs then shared
 * variables) and per result, NumPy's dtype kind and item size, a colon and the rank; then
 * the size of the message table. The runtime refuses (_rt.LayoutError) to construct a
 * function with another layout, so a library never reads arguments it was not built for.
 *
 *     void mlc_release(void);
 *
 * frees the library's static storage (the scratch arena); the runtime calls it just
 * before dlclose, when the last function using the library is gone.
 */
#ifndef MLC_ABI_H
#define MLC_ABI_H
#include <stdint.h>

#define MLC_ABI_VERSION 2
#define MLC_ERR_ALLOC 1
#define MLC_ERR_PYTHON (-1) /* a Python exception is pending (see poll) */

typedef struct mlc_ctx {
    char *(*alloc_output)(struct mlc_ctx *ctx, int64_t index, const int64_t *shape);
    void *runtime;           /* opaque to emitted code */
    int64_t err_code;
    int64_t err_vals[4];
    int (*poll)(struct mlc_ctx *ctx); /* nonzero: stop, an exception is pending */
} mlc_ctx;

typedef int64_t (*mlc_entry_fn)(mlc_ctx *ctx, char **data,
                                const int64_t *shapes, const int64_t *strides);

#endif
