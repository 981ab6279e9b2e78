/// Who made a change, as the audit log records it.
public enum Actor: Sendable, Equatable {
    case citizen
    case kiosk
    case staff(id: Int64, username: String)
    case system

    var recorded: String {
        switch self {
        case .citizen: "citizen"
        case .kiosk: "kiosk"
        case .staff(let id, let username): "staff:\(id):\(username)"
        case .system: "system"
        }
    }
}
