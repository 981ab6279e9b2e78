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

    @Test func numbersInGujaratiOrDevanagariDigitsAreReported() throws {
        // Given a Gujarati page whose address writes its PIN code in Gujarati digits, and a Hindi string in Devanagari ones
        let project = try Project(files: [
            "Content/en/index.md": "---\ntitle: Home\n---\nVadodara 390007\n",
            "Content/gu/index.md": "---\ntitle: મુખ્ય\n---\nવડોદરા ૩૯૦૦૦૭\n",
            "Templates/i18n/en.yaml": "skip_link: Skip 2\n",
            "Templates/i18n/hi.yaml": "skip_link: छोड़ें २\n",
        ])
        defer { project.remove() }
        // When the editor runs the check
        let problems = SiteCheck(root: project.root).run().map(\.description)
        // Then both lines are named, and the English ones are not
        let policy = "write numbers with the digits 0-9, as everywhere else (the numeral policy)"
        #expect(problems.contains("Content/gu/index.md:4: \(policy)"))
        #expect(problems.contains("Templates/i18n/hi.yaml:1: \(policy)"))
        #expect(!problems.contains { $0.hasPrefix("Content/en/") || $0.hasPrefix("Templates/i18n/en") })
    }

    @Test func anInterfaceStringThatNoLanguageHasIsReported() throws {
        // Given a template that shows a string the translations lack, beside one they have
        let project = try Project(files: [
            "Content/en/index.md": "---\ntitle: Home\n---\n",
            "Templates/page.mustache": "{{<base}}{{$main}}<h1>{{t.skip_link}}</h1>\n<p>{{t.no_such_words}}</p>{{/main}}{{/base}}",
            "Templates/i18n/en.yaml": "skip_link: Skip\n",
        ])
        defer { project.remove() }
        // When the editor runs the check
        let problems = SiteCheck(root: project.root).run().map(\.description)
        // Then it names the template, the line and the key, and only that one
        #expect(problems.contains("Templates/page.mustache:2: interface string 't.no_such_words' is in no language (Templates/i18n/en.yaml lacks it)"))
        #expect(!problems.contains { $0.contains("'t.skip_link'") })
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
