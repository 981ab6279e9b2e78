import GRDB

/// The schema as a list of migrations. A migration that has shipped is never edited:
/// changes come as new migrations. Migrations use SQL, not app types, so they never drift.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-offices-and-services", migrate: OfficesAndServicesMigration.apply)
        migrator.registerMigration("v2-queue", migrate: QueueMigration.apply)
        migrator.registerMigration("v3-staff-sessions", migrate: StaffSessionsMigration.apply)
        migrator.registerMigration("v4-service-fees", migrate: ServiceFeesMigration.apply)
        migrator.registerMigration("v5-kiosks", migrate: KioskMigration.apply)
        migrator.registerMigration("v6-catalog-plan", migrate: CatalogPlanMigration.apply)
        migrator.registerMigration("v7-staff-notes", migrate: StaffNoteMigration.apply)
        migrator.registerMigration("v8-token-capabilities", migrate: TokenCapabilitiesMigration.apply)
        migrator.registerMigration("v9-sign-in-attempts", migrate: SignInAttemptsMigration.apply)
        migrator.registerMigration("v10-booking-requests", migrate: BookingRequestsMigration.apply)
        migrator.registerMigration("v11-counter-plan", migrate: CounterPlanMigration.apply)
        migrator.registerMigration("v12-scheduled-jobs", migrate: ScheduledJobsMigration.apply)
        migrator.registerMigration("v13-outbox-delivery", migrate: OutboxDeliveryMigration.apply)
        migrator.registerMigration("v14-counter-rules", migrate: CounterRulesMigration.apply)
        migrator.registerMigration("v15-feedback", migrate: FeedbackMigration.apply)
        migrator.registerMigration("v16-push-subscriptions", migrate: PushSubscriptionsMigration.apply)
        migrator.registerMigration("v17-presence-per-clerk", migrate: PresencePerClerkMigration.apply)
        migrator.registerMigration("v18-transfer-placement", migrate: TransferPlacementMigration.apply)
        migrator.registerMigration("v19-office-messaging", migrate: OfficeMessagingMigration.apply)
        migrator.registerMigration("v20-token-write-indexes", migrate: TokenWriteIndexesMigration.apply)
        migrator.registerMigration("v21-settings-generation", migrate: SettingsGenerationMigration.apply)
        migrator.registerMigration("v22-check-lists", migrate: CheckListsMigration.apply)
        migrator.registerMigration("v23-outbox-lanes", migrate: OutboxLanesMigration.apply)
        return migrator
    }
}
