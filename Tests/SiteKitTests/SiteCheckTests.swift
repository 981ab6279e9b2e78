import Foundation
import Testing
@testable import SiteKit

@Suite("sitegen check")
struct SiteCheckTests {
    typealias Project = SiteBuilderTests.Project

    @Test func brokenLinksAndMissingTranslationsAreReportedWithFileAndLine() throws {
        let project = try Project(files: [
            "Content/en/index.md": "---\ntitle: Home\n---\nSee [services](/services/) and [privacy](/docs/privacy/#data).\n\n[Home](/)",
            "Content/gu/index.md": "---\ntitle: મુખ્ય\n---\n[સેવાઓ](/gu/services/)",
            "Content/hi/index.md": "---\ntitle: मुख्य\n---\n",
            "Content/en/docs/privacy.md": "---\ntitle: Privacy\n---\n",
            "Templates/i18n/en.yaml": "skip_link: Skip\nfooter: Footer\n",
            "Templates/i18n/gu.yaml": "skip_link: છોડો\n",
            "Templates/i18n/hi.yaml": "skip_link: छोड़ें\nfooter: पाद\n",
        ])
        defer { project.remove() }
        let problems = SiteCheck(root: project.root).run().map(\.description)
        #expect(problems.contains("Content/en/index.md:4: broken link /services/"))
        #expect(problems.contains("Content/gu/index.md:4: broken link /gu/services/"))
        #expect(!problems.contains { $0.contains("/docs/privacy/") || $0.hasSuffix("broken link /") })
        #expect(problems.contains("Content/gu/docs/privacy.md:1: missing translation of Content/en/docs/privacy.md (English is shown)"))
        #expect(problems.contains("Templates/i18n/gu.yaml:1: missing interface string 'footer' (English is shown)"))
        #expect(problems.count == 5)
    }

    @Test func aBuildErrorIsTheOneProblem() throws {
        let project = try Project(files: ["Content/en/index.md": "---\ntitle: [broken\n---\n"])
        defer { project.remove() }
        let problems = SiteCheck(root: project.root).run()
        #expect(problems.count == 1)
        #expect(problems.first?.file == "Content/en/index.md")
    }

    @Test func anSMSTextThatLeftItsDLTRegistrationIsReported() throws {
        // Given an SMS text registered in English and Gujarati, whose Gujarati wording an editor changed
        let registry = #"{"sender": "GUVNLQ", "templates": {"msg_sms_called": {"#
            + #""en": {"id": "11", "text": "Token {#var#}: counter {#var#}."}, "gu": {"id": "12", "text": "ટોકન {#var#}: કાઉન્ટર {#var#}."}}}}"#
        let project = try Project(files: [
            "Content/en/index.md": "---\ntitle: Home\n---\n",
            "Content/gu/index.md": "---\ntitle: મુખ્ય\n---\n",
            "Content/hi/index.md": "---\ntitle: मुख्य\n---\n",
            "Templates/sms-dlt.json": registry,
            "Templates/i18n/en.yaml": "skip_link: Skip\nmsg_sms_called: \"Token {number}: counter {counter}.\"\n",
            "Templates/i18n/gu.yaml": "skip_link: છોડો\nmsg_sms_called: \"ટોકન {number}: કૃપા કરીને કાઉન્ટર {counter}.\"\n",
            "Templates/i18n/hi.yaml": "skip_link: छोड़ें\nmsg_sms_called: \"टोकन {number}: काउंटर {counter}.\"\n",
        ])
        defer { project.remove() }
        // When the site is checked, then the changed text and the unregistered language are reported, English is not
        let problems = SiteCheck(root: project.root).run().map(\.description)
        #expect(problems.contains { $0.hasPrefix("Templates/i18n/gu.yaml:2: SMS text 'msg_sms_called' does not match its DLT template 12") })
        #expect(problems.contains("Templates/i18n/hi.yaml:2: SMS text 'msg_sms_called' has no DLT template registered in Templates/sms-dlt.json"))
        #expect(!problems.contains { $0.hasPrefix("Templates/i18n/en.yaml") })
    }

    @Test func theRepositoryContentPassesTheCheck() {
        #expect(SiteCheck(root: RealSiteTests.repository).run().map(\.description) == [])
    }
}
