import Foundation

/// Progress on stderr: one bar per model × task (samples done / total, tokens/s, ETA), redrawn in
/// place on a terminal; plain lines every few seconds otherwise (CI logs); nothing when quiet.
public final class ProgressReporter {
    public enum Mode { case terminal, lines, quiet }

    let mode: Mode
    private var label = ""
    private var total = 0
    private var done = 0
    private var startDone = 0
    private var tokens = 0
    private var started = Date()
    private var lastLine = Date.distantPast

    public init(quiet: Bool) {
        mode = quiet ? .quiet : isatty(2) != 0 ? .terminal : .lines
    }

    public func begin(_ label: String, total: Int, alreadyDone: Int) {
        self.label = label; self.total = total; done = alreadyDone; startDone = alreadyDone; tokens = 0; started = Date(); lastLine = .distantPast
        draw(force: true)
    }

    public func advance(samples: Int, tokens: Int) {
        done += samples
        self.tokens += tokens
        draw(force: false)
    }

    public func end() {
        draw(force: true)
        if mode == .terminal { write("\n") }
    }

    public func note(_ text: String) {
        guard mode != .quiet else { return }
        write(text + "\n")
    }

    private func draw(force: Bool) {
        let elapsed = Date().timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(tokens) / elapsed : 0
        let left = max(total - done, 0)
        let finishedNow = done - startDone
        let eta = finishedNow > 0 ? Self.clock(elapsed / Double(finishedNow) * Double(left)) : "--:--"
        let status = String(format: "%d/%d samples · %.0f tok/s · ETA %@", done, total, rate, eta)
        switch mode {
        case .quiet: return
        case .terminal:
            let width = 24
            let filled = total > 0 ? min(width, width * done / total) : width
            write("\r\u{1B}[2K\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(status)")
        case .lines:
            if force || Date().timeIntervalSince(lastLine) >= 5 {
                lastLine = Date()
                write("\(label): \(status)\n")
            }
        }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    private func write(_ s: String) { FileHandle.standardError.write(s.data(using: .utf8)!) }
}
