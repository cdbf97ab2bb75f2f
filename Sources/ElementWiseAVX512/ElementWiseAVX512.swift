import Numerics

/// `ElementWise`'s loops compiled for AVX-512 (this module's flags in `Package.swift`): the same source, inlined
/// here, so the same operations in the same order, on 8 Doubles or 16 Floats per instruction. Every function of
/// this module may execute AVX-512 instructions: call it only when `ElementWise.hasAVX512` is true (`FastMath`
/// does). The check lives in `Numerics`, which is built for AVX2, so that it runs on every machine.
public enum ElementWiseAVX512 {
  public static func tanh(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    ElementWise.tanh(x, y, n)
  }

  public static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    ElementWise.tanh(x, y, n)
  }
}
