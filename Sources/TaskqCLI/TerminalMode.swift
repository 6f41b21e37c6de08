import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The terminal in cbreak mode (keys arrive one at a time, not echoed; Ctrl-C still sends SIGINT) for as long as an
/// interactive view runs. `restore()` puts the saved settings back and shows the cursor again; call it on every way
/// out (quit key, signal, error).
final class TerminalMode {
    private var saved = termios()
    private var active = false
    private var keys: DispatchSourceRead?

    /// Enters cbreak mode on standard input when it is a terminal and calls `onKey` with each byte typed (on a
    /// dispatch queue; the read never blocks). Without a terminal on standard input it changes nothing.
    init(onKey: @escaping (UInt8) -> Void) {
        guard isatty(0) == 1, tcgetattr(0, &saved) == 0 else { return }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(0, TCSANOW, &raw) == 0 else { return }
        active = true
        let source = DispatchSource.makeReadSource(fileDescriptor: 0, queue: DispatchQueue(label: "taskq.keys"))
        source.setEventHandler {
            var byte: UInt8 = 0
            if read(0, &byte, 1) == 1 { onKey(byte) }
        }
        source.resume()
        keys = source
        fputs("\u{1B}[?25l", stdout)
    }

    /// Restores the saved settings and the cursor; safe to call twice.
    func restore() {
        keys?.cancel()
        keys = nil
        guard active else { return }
        active = false
        var saved = self.saved
        tcsetattr(0, TCSANOW, &saved)
        fputs("\u{1B}[?25h", stdout)
        fflush(stdout)
    }

    deinit { restore() }

    /// Rows of the terminal on standard output (nil when unknown).
    static var rows: Int? {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }
}
