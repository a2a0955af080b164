import Foundation

/// End-to-end latencies in microseconds, kept whole so percentiles are exact.
/// One recorder per event loop; merge them at the end.
struct LatencyRecorder {
    private(set) var samples: [UInt32] = []

    init(capacity: Int = 0) { samples.reserveCapacity(capacity) }

    mutating func record(sentAt: UInt64, receivedAt: UInt64) {
        let micros = receivedAt > sentAt ? (receivedAt - sentAt) / 1000 : 0
        samples.append(UInt32(clamping: micros))
    }

    mutating func merge(_ other: LatencyRecorder) { samples += other.samples }

    /// p50, p90, p99, p99.9 and max in milliseconds, plus a CDF of 101 points
    /// (latency at each percent) for the plots.
    var json: [String: Any] {
        guard !samples.isEmpty else { return ["count": 0] }
        let sorted = samples.sorted()
        func at(_ quantile: Double) -> Double {
            Double(sorted[min(sorted.count - 1, Int(quantile * Double(sorted.count - 1)))]) / 1000
        }
        return [
            "count": sorted.count, "p50_ms": at(0.5), "p90_ms": at(0.9), "p99_ms": at(0.99), "p999_ms": at(0.999),
            "max_ms": Double(sorted.last!) / 1000, "mean_ms": Double(sorted.reduce(0) { $0 + Int($1) }) / Double(sorted.count) / 1000,
            "cdf_ms": (0...100).map { at(Double($0) / 100) },
        ]
    }
}

/// Monotonic nanoseconds: the clock stamped into bodies and read on receipt
/// (both ends are this process).
@inline(__always) func monotonicNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
