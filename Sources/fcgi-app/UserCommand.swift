import ArgumentParser
import Foundation
import QueueCore

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage staff accounts.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a staff account; the password is asked for (or read from the first line of standard input), never given as an argument.",
            discussion: "Example: fcgi-app user add --username asha --name \"Asha Patel\" --role counter_staff --office VAD-247")

        @Option(help: "Sign-in name: 3-40 letters, digits, dots, dashes or underscores.")
        var username: String

        @Option(help: "The person's name as shown in the console and the audit log.")
        var name: String

        @Option(help: "counter_staff, office_manager or administrator.")
        var role: String

        @Option(help: "The office (required for counter staff and office managers).")
        var office: String?

        @Option(help: "Counter number the person works at (counter staff; optional).")
        var counter: Int?

        @OptionGroup var database: DatabaseOption

        func validate() throws {
            guard StaffRole(rawValue: role) != nil else {
                throw ValidationError("--role must be counter_staff, office_manager or administrator.")
            }
        }

        func run() throws {
            let password = try Self.readPassword()
            let accounts = StaffAccounts(database: try database.open())
            do {
                let user = try accounts.addUser(username: username, displayName: name, password: password,
                                                role: StaffRole(rawValue: role) ?? .counterStaff, office: office,
                                                counterNumber: counter, at: Date())
                print("created \(user.role.rawValue) \(user.username)\(user.officeCode.map { " at \($0)" } ?? "")")
            } catch let error as StaffError {
                throw StartupError(APIErrorText.describe(error))
            } catch let error as QueueError {
                throw StartupError(error.description)
            }
        }

        static func readPassword() throws -> String {
            if isatty(STDIN_FILENO) == 1 {
                guard let first = getpass("Password: ").map({ String(cString: $0) }),
                      let second = getpass("Again: ").map({ String(cString: $0) }), first == second else {
                    throw StartupError("The passwords do not match.")
                }
                return first
            }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw StartupError("Give the password on the first line of standard input.")
            }
            return line
        }
    }
}

/// Staff errors as sentences for the command line.
enum APIErrorText {
    static func describe(_ error: StaffError) -> String {
        switch error {
        case .invalidAccount(let field, let reason): "\(field): \(reason)"
        case .usernameTaken: "That username is taken."
        default: "\(error)"
        }
    }
}
