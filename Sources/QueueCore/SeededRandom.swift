import Foundation

/// SplitMix64: a small, seeded generator, so that a simulation, a fuzzing run or a generated queue can be
/// repeated exactly from its seed.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Exponential with the given rate (events per unit).
    public mutating func exponential(rate: Double) -> Double { -log(1 - uniform()) / rate }

    public mutating func normal() -> Double {
        sqrt(-2 * log(1 - uniform())) * cos(2 * .pi * uniform())
    }

    /// Log-normal with the given median and shape.
    public mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

    public mutating func chance(_ probability: Double) -> Bool { uniform() < probability }

    public mutating func poisson(mean: Double) -> Int {
        var count = 0, product = uniform()
        let limit = exp(-mean)
        while product > limit { count += 1; product *= uniform() }
        return count
    }
}
