;; deltaclip's optimizer kernels in WebAssembly SIMD, run over tfjs-backend-wasm's own memory
;; (imported), so they read and write tensors in place of the backend's heap.
;; `__MEMORY__` is replaced by the memory type: `0` (plain) or `0 65536 shared` (threaded builds).
;; Assembled by scripts/build-simd.mjs into src/kernels/simd/module.ts.
(module
  (import "env" "memory" (memory __MEMORY__))

  ;; sum_i x_i^2 for n float32 at byte offset p: squares in float32, sums in float64
  ;; (four float64x2 accumulators over 8 values per iteration, then a scalar tail).
  (func (export "sumsq") (param $p i32) (param $n i32) (result f64)
    (local $vend i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $q v128) (local $r v128) (local $s f64) (local $x f64)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend
      (i32.add (local.get $p) (i32.shl (i32.shr_u (local.get $n) (i32.const 3)) (i32.const 5))))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $vend)))
        (local.set $q (v128.load align=4 (local.get $p)))
        (local.set $q (f32x4.mul (local.get $q) (local.get $q)))
        (local.set $r (v128.load offset=16 align=4 (local.get $p)))
        (local.set $r (f32x4.mul (local.get $r) (local.get $r)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.promote_low_f32x4 (local.get $q))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $q) (local.get $q)))))
        (local.set $a2 (f64x2.add (local.get $a2) (f64x2.promote_low_f32x4 (local.get $r))))
        (local.set $a3 (f64x2.add (local.get $a3) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $r) (local.get $r)))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $vloop)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $x (f64.promote_f32 (f32.load (local.get $p))))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $x) (local.get $x))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $loop)))
    (local.set $a0 (f64x2.add (f64x2.add (local.get $a0) (local.get $a1))
                              (f64x2.add (local.get $a2) (local.get $a3))))
    (f64.add (local.get $s)
      (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0)))))

  ;; out_i = x_i + a * y_i for n float32 (byte offsets x, y, out), rounding as tfjs's Mul then
  ;; Add do: the product to float32, then the sum.
  (func (export "axpy") (param $x i32) (param $y i32) (param $out i32) (param $n i32) (param $a f32)
    (local $va v128) (local $vend i32) (local $end i32)
    (local.set $va (f32x4.splat (local.get $a)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend
      (i32.add (local.get $out) (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 4))))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $out) (local.get $vend)))
        (v128.store align=4 (local.get $out)
          (f32x4.add (v128.load align=4 (local.get $x))
                     (f32x4.mul (local.get $va) (v128.load align=4 (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $vloop)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (f32.store (local.get $out)
          (f32.add (f32.load (local.get $x)) (f32.mul (local.get $a) (f32.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $loop))))
)
