import FastCGI
import Foundation
import QueueCore

/// Offices, their services and slots, and the public queue snapshot (no personal data).
enum OfficeRoutes {
    static func register(in router: inout Router) {
        router.add("GET", "/api/v1/offices") { context in
            struct Offices: Encodable { let offices: [OfficeSummary] }
            return JSON.response(Offices(offices: try context.services.queue.offices(at: context.now)))
        }
        router.add("GET", "/api/v1/offices/{office}") { context in
            JSON.response(try context.services.queue.office(context.parameter("office"), at: context.now))
        }
        router.add("GET", "/api/v1/offices/{office}/slots") { context in
            struct Slots: Encodable { let office, service, date: String; let slots: [SlotAvailability] }
            guard let service = context.query["service"] else {
                throw APIError.invalidField("service", "Choose a service.")
            }
            guard let date = context.query["date"] else {
                throw APIError.invalidField("date", "Choose a date, written YYYY-MM-DD.")
            }
            let office = context.parameter("office")
            let slots = try context.services.queue.slots(office: office, service: service, day: date, at: context.now)
            return JSON.response(Slots(office: office, service: service, date: date, slots: slots))
        }
        router.add("GET", "/api/v1/offices/{office}/queue") { context in
            let office = context.parameter("office")
            let snapshot = try context.services.queue.snapshot(office: office, at: context.now)
            return JSON.response(bytes: context.services.encodedSnapshots.bytes(office, snapshot) {
                JSON.encode($0.worded(WaitText(text: context.services.text)))
            })
        }
    }
}
