"""The two inner loops of the tile kernel, written in LLVM IR (numba intrinsics).

:mod:`skprune._serving._kernels` runs a network on neuron-major tiles: activations of
``tile`` samples as C-ordered ``(n_neurons, tile)`` arrays. Two of its loops
are written here, directly in LLVM IR, because numba's own compilation of
them was the bottleneck (numba passes no ``noalias`` and runs no SLP
vectorizer, so neither loop vectorizes well as Python):

1. ``csr_row(tile)(data, indices, k0, k1, cur, bias, out, j, relu)``, one
   output neuron of a CSR layer::

       out[j, :tile] = bias + sum(data[k] * cur[indices[k], :tile] for k in k0..k1-1)

   then, if ``relu``, 0 where that is negative (the ReLU fused into the
   store; a NaN stays NaN).

   The accumulator is one ``<tile x dtype>`` vector held in registers across
   the whole row of stored weights: one broadcast, one vector load and one
   fused multiply-add per stored weight. Written as a numba loop
   (``row[t] += w * cur[i, t]``) the accumulator went through memory at
   every stored weight, with a run-time overlap check of ``row`` and ``cur``
   each time. Two accumulators take alternate weights (consecutive fused
   multiply-adds do not wait for each other) and are summed at the end: the
   additions differ from the left-to-right order by reassociation only.
   ``data``, ``cur`` and ``out`` share a float dtype; ``indices`` is int32 or
   int64; rows of ``cur`` and ``out`` are contiguous.

2. ``transpose8(X, r, c, buf, t)``, an 8 x 8 block of row-major X into a
   neuron-major tile, cast to the tile's dtype::

       buf[c + v, t + u] = X[r + u, c + v]    for u, v in 0..7

   Eight vector loads, three rounds of block swaps (``shufflevector``) and
   eight vector stores, instead of 64 scalar loads and stores. It returns
   whether every value of the block is finite (``abs(x) < inf``, false
   exactly for NaN and +-inf), so the finite check of X costs no pass of its
   own.

What the whole pass gains is measured by ``benchmarks/bench_inference.py``
(trained networks, against sklearn on the same weights).

>>> import numba, numpy as np
>>> row4 = csr_row(4)
>>> @numba.njit
... def one_row(data, indices, k0, k1, cur, bias, out, j, relu):
...     row4(data, indices, k0, k1, cur, bias, out, j, relu)
>>> cur = np.arange(12.0).reshape(3, 4)
>>> out = np.zeros((1, 4))
>>> w, i = np.array([2.0, -1.0]), np.array([0, 2], np.int32)
>>> one_row(w, i, 0, 2, cur, 0.5, out, 0, False)
>>> out.tolist()  # 0.5 + 2 * cur[0] - cur[2]
[[-7.5, -6.5, -5.5, -4.5]]
>>> one_row(-w, i, 0, 2, cur, 0.5, out, 0, True)  # with the ReLU fused
>>> out.tolist()
[[8.5, 7.5, 6.5, 5.5]]
>>> @numba.njit
... def block(X, buf):
...     return transpose8(X, 1, 0, buf, 0)
>>> X = np.arange(80.0).reshape(10, 8)
>>> buf = np.zeros((8, 8), np.float32)
>>> block(X, buf)
True
>>> bool((buf == X[1:9].T).all())
True
>>> X[4, 5] = np.inf
>>> block(X, buf)
False
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

UNROLL = 2  # independent accumulators (weights k, k+1 go to different ones)


def csr_row(tile):
    """The intrinsic of the module docstring for ``tile`` samples."""

    @intrinsic
    def _csr_row(typingctx, data, indices, k0, k1, cur, bias, out, j, relu):
        if not (
            isinstance(data, types.Array)
            and data.dtype in (types.float32, types.float64)
            and isinstance(cur, types.Array)
            and cur.dtype == data.dtype
            and isinstance(out, types.Array)
            and out.dtype == data.dtype
            and isinstance(indices, types.Array)
            and isinstance(indices.dtype, types.Integer)
        ):
            return None
        sig = types.void(data, indices, k0, k1, cur, bias, out, j, relu)

        def codegen(context, builder, signature, args):
            return _emit(context, builder, signature, args, tile)

        return sig, codegen

    return _csr_row


def _emit(context, builder, signature, args, tile):
    data_t, ind_t, k0_t, k1_t, cur_t, bias_t, out_t, j_t, relu_t = signature.args
    data_v, ind_v, k0_v, k1_v, cur_v, bias_v, out_v, j_v, relu_v = args
    i8p, i32, i64 = ir.IntType(8).as_pointer(), ir.IntType(32), ir.IntType(64)
    vec = ir.VectorType(context.get_value_type(data_t.dtype), tile)
    align = data_t.dtype.bitwidth // 8
    data = context.make_array(data_t)(context, builder, data_v).data
    indices = context.make_array(ind_t)(context, builder, ind_v).data
    cur_a = context.make_array(cur_t)(context, builder, cur_v)
    out_a = context.make_array(out_t)(context, builder, out_v)
    k0_v = context.cast(builder, k0_v, k0_t, types.int64)
    k1_v = context.cast(builder, k1_v, k1_t, types.int64)
    j_v = context.cast(builder, j_v, j_t, types.int64)
    bias_v = context.cast(builder, bias_v, bias_t, data_t.dtype)
    cur_base = builder.bitcast(cur_a.data, i8p)
    cur_stride = builder.extract_value(cur_a.strides, 0)  # bytes per row
    suffix = f"v{tile}f{data_t.dtype.bitwidth}"
    fma = cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(vec, [vec] * 3), f"llvm.fma.{suffix}"
    )
    broadcast_mask = ir.Constant(ir.VectorType(i32, tile), [0] * tile)

    def splat(value):
        v = builder.insert_element(ir.Constant(vec, ir.Undefined), value, i32(0))
        return builder.shuffle_vector(v, ir.Constant(vec, ir.Undefined), broadcast_mask)

    def accumulate(k, acc):  # acc + data[k] * cur[indices[k], :tile]
        w = builder.load(builder.gep(data, [k]))
        i = builder.load(builder.gep(indices, [k]))
        if i.type.width < 64:
            i = builder.sext(i, i64)
        row = builder.gep(cur_base, [builder.mul(i, cur_stride)])
        x = builder.load(builder.bitcast(row, vec.as_pointer()), align=align)
        return builder.call(fma, [splat(w), x, acc])

    entry = builder.basic_block
    main = builder.append_basic_block("csr.main")
    main_body = builder.append_basic_block("csr.main_body")
    merge = builder.append_basic_block("csr.merge")
    rest = builder.append_basic_block("csr.rest")
    rest_body = builder.append_basic_block("csr.rest_body")
    done = builder.append_basic_block("csr.done")
    # main loop: UNROLL weights per pass, one accumulator each
    start = splat(bias_v)
    builder.branch(main)
    builder.position_at_end(main)
    k = builder.phi(i64)
    k.add_incoming(k0_v, entry)
    accs = []
    for u in range(UNROLL):
        acc = builder.phi(vec)
        acc.add_incoming(start if u == 0 else ir.Constant(vec, None), entry)
        accs.append(acc)
    k_next = builder.add(k, i64(UNROLL))
    builder.cbranch(builder.icmp_signed("<=", k_next, k1_v), main_body, merge)
    builder.position_at_end(main_body)
    for u, acc in enumerate(accs):
        acc.add_incoming(accumulate(builder.add(k, i64(u)), acc), main_body)
    k.add_incoming(k_next, main_body)
    builder.branch(main)
    # the accumulators summed, then the last (< UNROLL) weights one by one
    builder.position_at_end(merge)
    total = accs[0]
    for acc in accs[1:]:
        total = builder.fadd(total, acc)
    builder.branch(rest)
    builder.position_at_end(rest)
    kr = builder.phi(i64)
    kr.add_incoming(k, merge)
    acc = builder.phi(vec)
    acc.add_incoming(total, merge)
    builder.cbranch(builder.icmp_signed("<", kr, k1_v), rest_body, done)
    builder.position_at_end(rest_body)
    acc.add_incoming(accumulate(kr, acc), rest_body)
    kr.add_incoming(builder.add(kr, i64(1)), rest_body)
    builder.branch(rest)
    builder.position_at_end(done)
    out_row = builder.gep(
        builder.bitcast(out_a.data, i8p),
        [builder.mul(j_v, builder.extract_value(out_a.strides, 0))],
    )
    # ReLU fused into the store when asked: 0 where acc < 0, as the kernel's
    # own ReLU (a NaN stays NaN, for the overflow check after the last layer)
    zero = ir.Constant(vec, None)
    rectified = builder.select(builder.fcmp_ordered("<", acc, zero), zero, acc)
    relu_v = context.cast(builder, relu_v, relu_t, types.boolean)
    acc = builder.select(relu_v, rectified, acc)
    builder.store(acc, builder.bitcast(out_row, vec.as_pointer()), align=align)
    return context.get_dummy_value()


BLOCK = 8  # rows and columns of one transpose8 block


@intrinsic
def transpose8(typingctx, X, r, c, buf, t):
    """The 8 x 8 block transpose of the module docstring."""
    if not (
        isinstance(X, types.Array)
        and X.dtype in (types.float32, types.float64)
        and isinstance(buf, types.Array)
        and buf.dtype in (types.float32, types.float64)
    ):
        return None
    sig = types.boolean(X, r, c, buf, t)

    def codegen(context, builder, signature, args):
        X_t, r_t, c_t, buf_t, t_t = signature.args
        X_v, r_v, c_v, buf_v, t_v = args
        i8p, i32, i64 = ir.IntType(8).as_pointer(), ir.IntType(32), ir.IntType(64)
        src = ir.VectorType(context.get_value_type(X_t.dtype), BLOCK)
        dst = ir.VectorType(context.get_value_type(buf_t.dtype), BLOCK)
        src_size, dst_size = X_t.dtype.bitwidth // 8, buf_t.dtype.bitwidth // 8
        X_a = context.make_array(X_t)(context, builder, X_v)
        buf_a = context.make_array(buf_t)(context, builder, buf_v)
        r_v, c_v, t_v = (
            context.cast(builder, v, ty, types.int64)
            for v, ty in ((r_v, r_t), (c_v, c_t), (t_v, t_t))
        )
        X_stride = builder.extract_value(X_a.strides, 0)
        buf_stride = builder.extract_value(buf_a.strides, 0)
        X_base = builder.gep(
            builder.bitcast(X_a.data, i8p),
            [builder.add(builder.mul(r_v, X_stride), builder.mul(c_v, i64(src_size)))],
        )
        buf_base = builder.gep(
            builder.bitcast(buf_a.data, i8p),
            [
                builder.add(
                    builder.mul(c_v, buf_stride), builder.mul(t_v, i64(dst_size))
                )
            ],
        )
        fabs = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(src, [src]),
            f"llvm.fabs.v{BLOCK}f{X_t.dtype.bitwidth}",
        )
        inf = ir.Constant(src, [float("inf")] * BLOCK)
        rows, finite = [], ir.Constant(ir.VectorType(ir.IntType(1), BLOCK), [1] * BLOCK)
        for u in range(BLOCK):
            p = builder.gep(X_base, [builder.mul(i64(u), X_stride)])
            x = builder.load(builder.bitcast(p, src.as_pointer()), align=src_size)
            # |x| < inf: false exactly for NaN and +-inf
            finite = builder.and_(
                finite, builder.fcmp_ordered("<", builder.call(fabs, [x]), inf)
            )
            if dst_size < src_size:
                x = builder.fptrunc(x, dst)
            elif dst_size > src_size:
                x = builder.fpext(x, dst)
            rows.append(x)
        b = 1  # swap b x b blocks between rows i and i + b: transposed after 3 rounds
        while b < BLOCK:
            low = [k if (k // b) % 2 == 0 else BLOCK + k - b for k in range(BLOCK)]
            high = [k + b if (k // b) % 2 == 0 else BLOCK + k for k in range(BLOCK)]
            new = list(rows)
            for g in range(0, BLOCK, 2 * b):
                for i in range(g, g + b):
                    pair = rows[i], rows[i + b]
                    new[i] = builder.shuffle_vector(
                        *pair, ir.Constant(ir.VectorType(i32, BLOCK), low)
                    )
                    new[i + b] = builder.shuffle_vector(
                        *pair, ir.Constant(ir.VectorType(i32, BLOCK), high)
                    )
            rows, b = new, 2 * b
        for v in range(BLOCK):
            p = builder.gep(buf_base, [builder.mul(i64(v), buf_stride)])
            builder.store(rows[v], builder.bitcast(p, dst.as_pointer()), align=dst_size)
        total = builder.extract_element(finite, i32(0))
        for k in range(1, BLOCK):
            total = builder.and_(total, builder.extract_element(finite, i32(k)))
        return total

    return sig, codegen
