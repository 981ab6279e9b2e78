import Foundation

/// How many request threads may compute at once, apart from those waiting for a commit.
///
/// A booking or key press spends most of its time waiting for its group's commit, and a group holds
/// only the requests waiting for it: so many threads make large groups. But on two cores every
/// thread computing at once shares them, and the slowest reads (a token status) wait longer. A
/// worker takes a slot before it waits for its next request, and gives it back when a request
/// starts waiting for a commit (`yieldCurrent`): then another worker takes the next request, and a
/// group can hold more requests than there are slots.
///
/// A thread that gave its slot back finishes its request without one, so no thread ever waits for
/// a slot while it holds anything another thread needs. So the slots bound how many requests start
/// computing, not how many run: when a group of bookings commits, each finishes its answer at once.
public final class ComputeSlots: @unchecked Sendable {
    private let free: DispatchSemaphore

    public init(_ count: Int) { free = DispatchSemaphore(value: max(1, count)) }

    /// Waits for a slot unless the calling thread holds one; it holds it until `giveBack` or
    /// `yieldCurrent`. A worker keeps its slot from one request to the next: handing it to another
    /// thread after every request cost each token status a wake-up and a switch.
    ///
    /// False, holding none, once `stopping` says so: waits in turns of a second, so that a stop is
    /// seen even while every slot is held by a long request.
    func take(unless stopping: () -> Bool) -> Bool {
        guard pthread_getspecific(heldSlots) == nil else { return true }
        while free.wait(timeout: .now() + 1) == .timedOut {
            if stopping() { return false }
        }
        pthread_setspecific(heldSlots, Unmanaged.passUnretained(self).toOpaque())
        return true
    }

    /// Gives the calling thread's slot back, if it still holds one.
    func giveBack() { Self.yieldCurrent() }

    /// Gives back the slot the calling thread holds, if any: called before a request waits for its
    /// commit. Does nothing on a thread that holds none (tests, scheduled jobs, the stream loop).
    public static func yieldCurrent() {
        guard let held = pthread_getspecific(heldSlots) else { return }
        pthread_setspecific(heldSlots, nil)
        Unmanaged<ComputeSlots>.fromOpaque(held).takeUnretainedValue().free.signal()
    }
}

/// The slots the calling thread holds (a `ComputeSlots`, unretained: the server outlives its workers).
private let heldSlots: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()
