/// Percentiles by linear interpolation between the closest ranks (the common spreadsheet and
/// NumPy default), so a manager checking a report by hand gets the same figure.
enum Percentile {
    static func of(_ values: [Double], _ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = fraction * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - Double(lower))
    }
}
