import ArgumentParser
import Foundation
import QueueCore

/// `fcgi-app erase-citizen`: one citizen's verified request to erase their data (DPDP Act 2023).
struct EraseCitizen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase-citizen",
        abstract: "Erase one citizen's personal data (name, mobile, e-mail, consumer number, notes, reasons) on a verified request.",
        discussion: """
            Give either --phone (every token booked with that mobile number) or --office, --day and \
            --number (one token). Counts for the reports stay; each erased token gets an audit event \
            that names only the token. Verify the request (the citizen's identity) before running it.
            """)

    @Option(help: "The citizen's 10-digit mobile number.")
    var phone: String?

    @Option(help: "The office code of one token, such as VAD-247 (with --day and --number).")
    var office: String?

    @Option(help: "The token's service day, YYYY-MM-DD.")
    var day: String?

    @Option(help: "The token's number, such as NC-017.")
    var number: String?

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        if let phone {
            guard office == nil, day == nil, number == nil else { throw ValidationError("Give --phone, or --office, --day and --number, not both.") }
            guard CitizenDetails.normalisedMobile(phone) != nil else { throw ValidationError("--phone must be a 10-digit Indian mobile number.") }
        } else {
            guard office != nil, number != nil, let day else { throw ValidationError("Give --phone, or --office, --day and --number.") }
            guard ServiceDay.midnight(of: day, timeZone: .gmt) != nil else { throw ValidationError("--day must be a date written YYYY-MM-DD.") }
        }
    }

    func run() throws {
        let appDatabase = try database.open()
        let now = Date()
        let erased: Int
        if let phone = phone.flatMap(CitizenDetails.normalisedMobile) {
            erased = try appDatabase.eraseCitizen(phone: phone, at: now)
        } else if let office, let day, let number {
            erased = try appDatabase.eraseCitizen(office: office, day: day, number: number, at: now)
        } else {
            erased = 0
        }
        print(erased == 0 ? "no token matched: nothing erased" : "erased the personal data of \(erased) token(s)")
    }
}
