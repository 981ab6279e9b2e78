/// Who made a change, as the audit log records it.
public enum Actor: Sendable, Equatable {
    case citizen
    case kiosk
    /// A kiosk enrolled by a manager (`KioskDevices`): it may take walk-ins without a name or number.
    case enrolledKiosk(id: Int64)
    case staff(id: Int64, username: String)
    case system
    /// A scheduled job (`OfficeDayJobs`), by its name.
    case job(String)

    var isStaff: Bool {
        if case .staff = self { return true }
        return false
    }

    var recorded: String {
        switch self {
        case .citizen: "citizen"
        case .kiosk: "kiosk"
        case .enrolledKiosk(let id): "kiosk:\(id)"
        case .staff(let id, let username): "staff:\(id):\(username)"
        case .system: "system"
        case .job(let name): "job:\(name)"
        }
    }
}
