import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU and memory of processes, from /proc (Linux).
enum ProcessUsage {
    /// VmRSS of `pid` in KiB, or nil when it is gone.
    static func residentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// utime + stime of `pid` in seconds (fields 14 and 15 of /proc/PID/stat),
    /// threads included.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the ")" field 3 (state) is index 0, so utime (14) is index 11.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This process's CPU time (user + system) in seconds.
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// CPU used over a stretch of wall time by the generator and the measured
/// servers: the generator's share shows whether it, not the server, was the limit.
struct UsageSample {
    private let start = ContinuousClock.now
    private let ownStart = ProcessUsage.ownCPUSeconds()
    private let pids: [Int32]
    private let serverStart: [Int32: Double]
    private(set) var json: [String: Any] = [:]

    init(pids: [Int32]) {
        self.pids = pids
        serverStart = Dictionary(uniqueKeysWithValues: pids.compactMap { pid in ProcessUsage.cpuSeconds(pid).map { (pid, $0) } })
    }

    mutating func finish() {
        let wall = (ContinuousClock.now - start).seconds
        let own = ProcessUsage.ownCPUSeconds() - ownStart
        var servers = 0.0
        var byPID: [String: Double] = [:]
        for pid in pids {
            if let end = ProcessUsage.cpuSeconds(pid), let begin = serverStart[pid] {
                servers += end - begin
                byPID["\(pid)"] = 100 * (end - begin) / max(wall, 1e-9)
            }
        }
        json = [
            "wall_seconds": wall, "generator_cpu_seconds": own, "generator_cpu_percent": 100 * own / max(wall, 1e-9),
            "server_cpu_seconds": servers, "server_cpu_percent": 100 * servers / max(wall, 1e-9),
            "server_cpu_percent_by_pid": byPID,
        ]
    }

    var generatorCPUPercent: Double { json["generator_cpu_percent"] as? Double ?? 0 }
}
