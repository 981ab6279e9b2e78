/// How a `FastCGIServer` listens, how many threads accept requests, and its limits.
public struct ServerConfiguration: Sendable {
    public var address: ListenAddress
    /// Threads that each loop taking requests: many, since a request waiting for a commit holds one.
    public var threads: Int
    /// How many of those may start a request while the others' requests wait for a commit or
    /// finish after it (`ComputeSlots`); 0, or as many as `threads`: no limit.
    public var computingThreads: Int
    /// Request bodies larger than this are answered 413 without being read.
    public var maxBodyBytes: Int
    /// Permission bits of the unix socket: nginx's worker user needs read and write.
    public var socketMode: UInt32
    /// Group that owns the unix socket (nginx's worker group), if not the process's own.
    public var socketGroup: String?
    /// How long in-flight requests and open streams get to finish on shutdown.
    public var shutdownGraceSeconds: Double
    /// Stack size of a thread-held streaming response (`Response.Body.stream`, the health stream);
    /// event streams (`Response.Body.events`) take no thread.
    public var streamStackBytes: Int
    /// Event streams open at once, in all and from one client address (`REMOTE_ADDR`); beyond either,
    /// a stream is refused (`Responder.refuseStream`) rather than taking more descriptors. A waiting
    /// hall behind one office Wi-Fi or carrier NAT is one address, so the second is generous.
    public var maxStreams: Int
    public var maxStreamsPerAddress: Int
    /// Event streams open at once from one IPv6 /48 (`StreamNetwork`): many /64s, one holder.
    public var maxStreamsPerNetwork: Int

    public init(
        address: ListenAddress, threads: Int = 6, computingThreads: Int = 0, maxBodyBytes: Int = 64 * 1024,
        socketMode: UInt32 = 0o660, socketGroup: String? = nil,
        shutdownGraceSeconds: Double = 5, streamStackBytes: Int = 512 * 1024,
        maxStreams: Int = 12_000, maxStreamsPerAddress: Int = 300, maxStreamsPerNetwork: Int = 2_000
    ) {
        self.address = address
        self.threads = threads
        self.computingThreads = computingThreads
        self.maxBodyBytes = maxBodyBytes
        self.socketMode = socketMode
        self.socketGroup = socketGroup
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.streamStackBytes = streamStackBytes
        self.maxStreams = maxStreams
        self.maxStreamsPerAddress = maxStreamsPerAddress
        self.maxStreamsPerNetwork = maxStreamsPerNetwork
    }
}
