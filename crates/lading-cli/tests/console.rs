//! The web console over loopback, served by `lading serve` on the demo's
//! deployment: the dashboard and the verifier in English and Chinese, a
//! valid bundle verified (green) and a tampered one refused (red, naming
//! the failed check), every bad upload a clear page with a 4xx, strict
//! security headers, no script; the pages opened in headless Chromium.

use std::path::PathBuf;
use std::process::Command;

use lading_testkit::browser;
use lading_testkit::cli::Lading;

use serde_json::Value;

/// The demo's evidence bundle and trust policy, in a fresh directory.
fn demo() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let d = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(d.path())
        .args(["--json", "demo", "--keep", "demo"])
        .output()
        .expect("demo");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reply: Value = serde_json::from_slice(&out.stdout).expect("json");
    let bundle = PathBuf::from(reply["evidence_bundle"].as_str().expect("bundle"));
    (d, bundle, PathBuf::from("demo/trust/policy.json"))
}

fn get(url: &str, accept_language: Option<&str>) -> (u16, reqwest::header::HeaderMap, String) {
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        let mut req = lading_server::http_client::client().get(url);
        if let Some(l) = accept_language {
            req = req.header("accept-language", l);
        }
        let resp = req.send().await.expect("get");
        (resp.status().as_u16(), resp.headers().clone(), resp.text().await.expect("text"))
    })
}

/// A form part: field name, file name (empty for a text field), bytes.
type FormPart = (&'static str, &'static str, Vec<u8>);

/// POSTs the verify form (to `url`/verify, or to `url` itself when it already names a page).
fn post_verify(url: &str, parts: Vec<FormPart>) -> (u16, String) {
    let action = if url.contains("/verify") { url.to_owned() } else { format!("{url}/verify") };
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        let mut form = reqwest::multipart::Form::new();
        for (name, file, bytes) in parts {
            form = if file.is_empty() {
                form.text(name, String::from_utf8(bytes).expect("text field"))
            } else {
                form.part(name, reqwest::multipart::Part::bytes(bytes).file_name(file))
            };
        }
        let resp = lading_server::http_client::client().post(&action).multipart(form).send().await.expect("post");
        (resp.status().as_u16(), resp.text().await.expect("text"))
    })
}

#[test]
fn the_console_shows_logs_and_verifies_uploaded_bundles_in_two_languages() {
    let (d, bundle_path, policy) = demo();
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d.path());
    let server = l.serve(&["--data", "dep", "--policy", policy.to_str().expect("utf-8"), "--max-upload", "4000000"]);
    let url = &server.url;

    // The dashboard, in English by default and in Chinese by Accept-Language or ?lang=.
    let (status, headers, page) = get(&format!("{url}/"), None);
    assert_eq!(status, 200);
    assert_eq!(headers["content-security-policy"], lading_console::CSP);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(page.contains("<html lang=\"en\">") && page.contains("Transparency logs") && page.contains("registry"));
    let (_, headers, zh) = get(&format!("{url}/"), Some("zh-CN,zh;q=0.9,en;q=0.5"));
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("透明日志"), "{zh}");
    assert_eq!(headers["content-language"], "zh-CN");
    let (_, _, en) = get(&format!("{url}/?lang=en"), Some("zh-CN"));
    assert!(en.contains("Transparency logs"));

    // The verify form offers the configured policy.
    let (status, _, form) = get(&format!("{url}/verify"), None);
    assert_eq!(status, 200);
    assert!(
        form.contains("<option value=\"policy\">policy</option>") && form.contains("enctype=\"multipart/form-data\"")
    );

    // A valid bundle verifies: green, every check listed.
    let bundle = std::fs::read(d.path().join(&bundle_path)).expect("bundle");
    let (status, page) =
        post_verify(url, vec![("bundle", "evidence.lading", bundle.clone()), ("policy_name", "", b"policy".to_vec())]);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"verdict\" class=\"verdict ok\">VERIFIED"), "{page}");
    let checks = &page[..page.find("id=\"deliverables\"").expect("deliverables")];
    assert!(checks.contains("trust list signature") && !checks.contains("<tr class=\"fail\">"), "{page}");
    // What the bundle delivers, read the way people read it.
    assert!(page.contains("<h2>What the bundle delivers</h2>"), "{page}");
    // The maintenance segment: events by asset and time.
    assert!(page.contains("Maintenance log segment") && page.contains("<svg class=\"event-chart\""), "{page}");
    assert!(page.contains("<td>cnc-0007</td>") && page.matches("<circle class=\"dot ").count() == 34, "{page}");
    // The release: its version chain, file tree and SBOM components.
    assert!(page.contains("<strong>1.1.0</strong>") && page.contains("<strong>1.0.0</strong>"), "{page}");
    assert!(page.contains("<td class=\"depth-1\">mes-server</td>") && page.contains("<td>openssl</td>"), "{page}");
    // The inspection report: the lot verdict, the plan, a gallery of the attached images, the histogram.
    assert!(page.contains("id=\"lot-decision\">LOT REJECTED") && page.contains("<dd>G</dd>"), "{page}");
    let cards = page.matches("<figure class=\"card\">").count();
    assert!(cards >= 1 && page.matches("<image href=\"data:image/png;base64,").count() == cards, "{page}");
    assert!(page.contains("<svg class=\"histogram\"") && page.matches("<rect class=\"bar\"").count() == 20, "{page}");
    // Also with the policy uploaded instead of chosen.
    let policy_bytes = std::fs::read(d.path().join(&policy)).expect("policy");
    let (status, page) = post_verify(
        url,
        vec![("bundle", "evidence.lading", bundle.clone()), ("policy", "mine.json", policy_bytes.clone())],
    );
    assert!(status == 200 && page.contains("verdict ok"), "{page}");
    assert!(
        page.contains("<h2>Revocation and suspension</h2>") && page.contains("carries a credentialStatus"),
        "{page}"
    );

    // In Chinese, the verdict and the verifier's check names are translated.
    let (status, page) = post_verify(
        &format!("{url}/verify?lang=zh-CN"),
        vec![("bundle", "evidence.lading", bundle.clone()), ("policy_name", "", b"policy".to_vec())],
    );
    assert!(status == 200 && page.contains(">验证通过<") && page.contains("<td>白名单签名</td>"), "{page}");
    // The status section is there in both languages (the demo's credentials carry no credentialStatus).
    assert!(page.contains("<h2>撤销与暂停</h2>") && page.contains("均未携带撤销或暂停状态条目"), "{page}");
    assert!(page.contains("AI 视觉质检报告") && page.contains("版本链") && page.contains("批次拒收"), "{page}");
    // ... and so are the reasons behind the checks, with their values as data.
    assert!(
        page.contains("个成员，均与 bundle.json 中的摘要一致") && page.contains("回执验证通过：demo.lading.example"),
        "{page}"
    );
    assert!(!page.contains("members, each matching") && !page.contains("receipt verifies"), "{page}");
    // A tampered bundle (the demo's copy with the statement's contract number changed) is red and
    // names the failed check.
    let tampered = std::fs::read(d.path().join("demo/trust/evidence-altered.lading")).expect("altered bundle");
    let (status, page) =
        post_verify(url, vec![("bundle", "evidence.lading", tampered), ("policy_name", "", b"policy".to_vec())]);
    assert_eq!(status, 200);
    assert!(page.contains("verdict bad\">NOT VERIFIED") && page.contains("<tr class=\"fail\"><td>"), "{page}");
    let tampered_zh = std::fs::read(d.path().join("demo/trust/evidence-altered.lading")).expect("altered bundle");
    let (_, page) = post_verify(
        &format!("{url}/verify?lang=zh-CN"),
        vec![("bundle", "evidence.lading", tampered_zh), ("policy_name", "", b"policy".to_vec())],
    );
    assert!(page.contains("<td>声明签名</td>") && page.contains("未通过验证："), "{page}");

    // Bad uploads: each a page with the reason and a 4xx, never a 500.
    let cases: Vec<(Vec<FormPart>, u16, &str)> = vec![
        (vec![("policy_name", "", b"policy".to_vec())], 400, "No evidence bundle"),
        (vec![("bundle", "b.lading", bundle.clone())], 400, "Choose a trust policy"),
        (
            vec![("bundle", "b.lading", bundle.clone()), ("policy_name", "", b"nope".to_vec())],
            400,
            "no trust policy of that name",
        ),
        (
            vec![("bundle", "b.lading", bundle.clone()), ("policy", "p.json", b"{\"format\": 1}".to_vec())],
            400,
            "not valid",
        ),
        (
            vec![("bundle", "big.lading", vec![0u8; 5_000_000]), ("policy_name", "", b"policy".to_vec())],
            413,
            "larger than",
        ),
    ];
    for (parts, want, reason) in cases {
        let (status, page) = post_verify(url, parts);
        assert_eq!(status, want, "{reason}: {page}");
        assert!(page.contains("id=\"reason\"") && page.contains(reason), "{reason}: {page}");
    }
    // Not a ZIP at all: a verdict whose bundle check fails, in red.
    let (status, page) =
        post_verify(url, vec![("bundle", "x.lading", b"not a zip".to_vec()), ("policy_name", "", b"policy".to_vec())]);
    assert!(status == 200 && page.contains("verdict bad"), "{page}");
    // A malformed form.
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let (status, page) = rt.block_on(async {
        let r = lading_server::http_client::client()
            .post(format!("{url}/verify"))
            .header("content-type", "multipart/form-data; boundary=x")
            .body("garbage")
            .send()
            .await
            .expect("post");
        (r.status().as_u16(), r.text().await.expect("text"))
    });
    assert!((400..500).contains(&status) && page.contains("id=\"reason\""), "{status}: {page}");

    // Headless Chromium renders the pages (screenshots kept as test artefacts).
    let Some(chromium) = browser::chromium() else { return };
    for (name, path) in
        [("console-dashboard-en", "/?lang=en"), ("console-dashboard-zh", "/?lang=zh-CN"), ("console-verify", "/verify")]
    {
        let shot = browser::screenshot(&chromium, &format!("{url}{path}"), (1100, 700), name);
        let png = image::open(&shot).expect("png").to_rgb8();
        // The header's dark blue band is drawn: the stylesheet loaded under the CSP.
        let header = png.pixels().filter(|p| p.0 == [0x14, 0x21, 0x3d]).count();
        assert!(header > 10_000, "{name}: the styled header is missing ({header} px)");
    }
}

#[test]
fn the_log_explorer_pages_through_entries_and_draws_inclusion_paths() {
    let d = tempfile::tempdir().expect("tempdir");
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d.path());
    drop(l.serve(&["--data", "dep"])); // creates the deployment and its registry log
    let token = l.ok(&["token", "create", "--data", "dep", "--log", "registry", "--scope", "submit"]).trim().to_owned();
    let server = l.serve(&["--data", "dep"]);
    let url = &server.url;
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let mut entries: Vec<Vec<u8>> = (0..60)
        .map(|i| {
            format!(
                "{{\"envelope_sha256\":\"{}\",\"keyid\":\"k{i}\",\"kind\":\"urn:lading:maintenance-segment:v1\"}}",
                lading_model::Sha256Digest::of(&[i])
            )
            .into_bytes()
        })
        .collect();
    entries.push(b"raw bytes, not a statement".to_vec());
    rt.block_on(async {
        let client = lading_server::http_client::client();
        for e in &entries {
            let r = client
                .post(format!("{url}/v1/logs/registry/entries"))
                .bearer_auth(&token)
                .header("content-type", "application/octet-stream")
                .body(e.clone())
                .send()
                .await
                .expect("submit");
            assert_eq!(r.status().as_u16(), 201);
        }
    });
    // The newest page first, 50 entries, with a link to the older page.
    let (status, _, page) = get(&format!("{url}/logs/registry"), None);
    assert_eq!(status, 200);
    assert!(page.contains("entries/60?lang=en\">60</a>") && page.contains("entries/11?lang=en\">11</a>"), "{page}");
    assert!(!page.contains("entries/10?lang=en\">") && page.contains("?page=1"), "{page}");
    // Submitted raw, so shown raw: JSON that looks like a statement leaf is
    // not presented as one (no kind, no signer) unless the service verified it.
    assert_eq!(page.matches("raw entry (no signature was verified when it was logged)").count(), 50, "{page}");
    assert!(!page.contains("urn:lading:maintenance-segment:v1") && !page.contains(">k59<"), "{page}");
    let (_, _, older) = get(&format!("{url}/logs/registry?page=1"), None);
    assert!(older.contains("entries/0?lang=en\">0</a>") && older.contains("?page=0"), "{older}");
    // An entry's page: its leaf hash, content, receipt link and inclusion path.
    let leaf = hex::encode(lading_tlog::leaf_hash(&entries[5]).0);
    let (status, _, entry) = get(&format!("{url}/logs/registry/entries/5?lang=zh-CN"), None);
    assert_eq!(status, 200);
    assert!(entry.contains(&leaf) && entry.contains("包含路径") && entry.contains("<svg id=\"path\""), "{entry}");
    assert!(entry.contains("/v1/logs/registry/receipts/5"), "{entry}");
    // The drawn path has one step per proof hash of the receipt.
    let receipt = rt.block_on(async {
        lading_server::http_client::client()
            .get(format!("{url}/v1/logs/registry/receipts/5"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("text")
    });
    let receipt = lading_tlog::Receipt::parse(&receipt).expect("receipt");
    assert_eq!(entry.matches("class=\"sibling\"").count(), receipt.proof.len());
    for h in &receipt.proof {
        assert!(entry.contains(&hex::encode(h.0)), "proof hash missing from the page");
    }
    // Look-up by leaf hash and by index; bad look-ups are pages with the reason.
    let no_redirect =
        lading_server::http_client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let location = |q: &str| {
        rt.block_on(async {
            let r = no_redirect.get(format!("{url}/logs/registry/search?q={q}")).send().await.expect("get");
            (r.status().as_u16(), r.headers().get("location").map(|v| v.to_str().expect("ascii").to_owned()))
        })
    };
    assert_eq!(location(&leaf), (303, Some("/logs/registry/entries/5?lang=en".to_owned())));
    assert_eq!(location("42"), (303, Some("/logs/registry/entries/42?lang=en".to_owned())));
    for (path, want, reason) in [
        ("/logs/registry/search?q=zz", 400, "leaf hash (64 hex digits)"),
        (&format!("/logs/registry/search?q={}", "0".repeat(64)) as &str, 404, "no such entry"),
        ("/logs/nope", 404, "no log of that name"),
        ("/logs/registry/entries/61", 404, "no such entry"),
        ("/logs/registry/entries/x", 404, "no such entry"),
        ("/logs/registry?page=9", 404, "no such entry"),
    ] {
        let (status, _, page) = get(&format!("{url}{path}"), None);
        assert_eq!(status, want, "{path}: {page}");
        assert!(page.contains("id=\"reason\"") && page.contains(reason), "{path}: {page}");
    }
    let Some(chromium) = browser::chromium() else { return };
    for (name, path) in [("console-log", "/logs/registry"), ("console-entry", "/logs/registry/entries/5")] {
        browser::screenshot(&chromium, &format!("{url}{path}"), (1100, 900), name);
    }
}

#[test]
fn the_white_list_page_shows_status_timelines_and_entry_pages_the_signers_standing() {
    let (d, _, _) = demo();
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d.path());
    // The authority suspends the certification body, and signs the next list.
    l.ok(&[
        "trust-list",
        "set-status",
        "demo/trust/white-list.json",
        "--id",
        "cb-0001",
        "--status",
        "suspended",
        "--reason",
        "audit <overdue>",
        "--at",
        "2026-06-01T00:00:00Z",
    ]);
    l.ok(&[
        "trust-list",
        "sign",
        "demo/trust/white-list.json",
        "--key",
        "demo/trust/authority.key",
        "--out",
        "list.signed.json",
    ]);
    drop(l.serve(&["--data", "dep"]));
    let token = l.ok(&["token", "create", "--data", "dep", "--log", "registry", "--scope", "submit"]).trim().to_owned();
    l.ok(&["key", "generate", "--out", "unlisted"]);
    for public in ["demo/stream-fleet-example-de.pub", "unlisted.pub"] {
        l.ok(&["provider", "add", "--data", "dep", "--log", "registry", "--pubkey", public]);
    }
    let list: Value =
        serde_json::from_slice(&std::fs::read(d.path().join("demo/trust/white-list.json")).expect("list"))
            .expect("json");
    let provider_key = list["entries"][0]["keys"][0]["key_id"].as_str().expect("key id").to_owned();
    let server =
        l.serve(&["--data", "dep", "--trust-list", "list.signed.json", "--trust-list-key", "demo/trust/authority.pub"]);
    let url = &server.url;
    let (status, _, page) = get(&format!("{url}/trust"), None);
    assert_eq!(status, 200);
    assert!(page.contains("Suzhou pilot zone authority (demo)") && page.contains("sz-provider-0001"), "{page}");
    assert!(page.contains("<span class=\"status granted\">granted</span>"), "{page}");
    assert!(page.contains("<span class=\"status suspended\">suspended</span>"), "{page}");
    // The history is a timeline, its reason escaped.
    assert!(page.contains("<li class=\"suspended\"><time>2026-06-01T00:00:00+00:00</time>"), "{page}");
    assert!(page.contains("audit &#60;overdue&#62;") && !page.contains("<overdue>"), "{page}");
    let (_, _, zh) = get(&format!("{url}/trust?lang=zh-CN"), None);
    assert!(zh.contains("已暂停") && zh.contains("状态历史"), "{zh}");
    // Statements signed by a listed key and by a registered key on no entity,
    // verified by the service when it logged them; and a raw entry whose JSON
    // merely looks like a statement of the listed key (issue 24: the console
    // must not show it as signed).
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let post = |body: Vec<u8>, content_type: &'static str| {
        rt.block_on(async {
            let r = lading_server::http_client::client()
                .post(format!("{url}/v1/logs/registry/entries"))
                .bearer_auth(&token)
                .body(body)
                .header("content-type", content_type)
                .send()
                .await
                .expect("submit");
            assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap_or_default());
        });
    };
    for (i, key) in ["demo/stream-fleet-example-de", "unlisted"].into_iter().enumerate() {
        let doc = format!("doc{i}.json");
        std::fs::write(d.path().join(&doc), l.ok(&["new", "saas-release"])).expect("write");
        l.ok(&["sign", &doc, "--key", &format!("{key}.key"), "--out", &format!("{doc}.dsse.json")]);
        post(std::fs::read(d.path().join(format!("{doc}.dsse.json"))).expect("envelope"), "application/json");
    }
    let look_alike = format!(
        "{{\"envelope_sha256\":\"{}\",\"keyid\":\"{provider_key}\",\"kind\":\"urn:lading:saas-release:v1\"}}",
        "ab".repeat(32)
    );
    post(look_alike.into_bytes(), "application/octet-stream");
    let (_, _, entry) = get(&format!("{url}/logs/registry/entries/0"), None);
    assert!(
        entry.contains("id=\"standing\">Suzhou Example Cloud Operations Co., Ltd. (sz-provider-0001): granted"),
        "{entry}"
    );
    let (_, _, entry) = get(&format!("{url}/logs/registry/entries/1"), None);
    assert!(entry.contains("id=\"standing\">the key is on no entity of the white list"), "{entry}");
    let (_, _, entry) = get(&format!("{url}/logs/registry/entries/2"), None);
    assert!(entry.contains("raw entry (no signature was verified when it was logged)"), "{entry}");
    assert!(!entry.contains("id=\"standing\"") && !entry.contains(&format!("<code>{provider_key}</code>")), "{entry}");
    let (_, _, log) = get(&format!("{url}/logs/registry"), None);
    assert_eq!(log.matches("raw entry (no signature was verified").count(), 1, "{log}");
    let Some(chromium) = browser::chromium() else { return };
    browser::screenshot(&chromium, &format!("{url}/trust?lang=zh-CN"), (1100, 900), "console-trust");
}

#[test]
fn bad_console_settings_stop_lading_serve_naming_the_file() {
    let (d, _, _) = demo();
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d.path());
    std::fs::write(d.path().join("bad-policy.json"), b"{\"format\": \"lading-trust-policy/v1\", \"operators\": []}")
        .expect("write");
    let err = l.fails(&["serve", "--data", "dep", "--listen", "127.0.0.1:0", "--policy", "bad-policy.json"]);
    assert!(err.contains("bad-policy.json"), "{err}");
    // A white list opened with a key that is not its operator's.
    let err = l.fails(&[
        "serve",
        "--data",
        "dep",
        "--listen",
        "127.0.0.1:0",
        "--trust-list",
        "demo/trust/white-list.signed.json",
        "--trust-list-key",
        "demo/trust/certifier.pub",
    ]);
    assert!(err.contains("white-list.signed.json"), "{err}");
    // A trust list without the key to open it is a usage error.
    let (code, _, err) = l.run(&[
        "serve",
        "--data",
        "dep",
        "--listen",
        "127.0.0.1:0",
        "--trust-list",
        "demo/trust/white-list.signed.json",
    ]);
    assert_eq!(code, 2, "{err}");
}

/// An `application/x-www-form-urlencoded` body, as a browser sends a form.
fn form_post(req: reqwest::RequestBuilder, pairs: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    req.header("content-type", "application/x-www-form-urlencoded").body(body)
}

/// A browser's part of a conversation: no redirects followed, the session cookie kept by hand.
struct Browser {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
    url: String,
    cookie: Option<String>,
}

impl Browser {
    fn new(url: &str) -> Self {
        let client =
            lading_server::http_client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Self { rt: tokio::runtime::Runtime::new().expect("rt"), client, url: url.to_owned(), cookie: None }
    }

    fn send(&self, req: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let req = match &self.cookie {
            Some(c) => req.header("cookie", format!("lading_session={c}")),
            None => req,
        };
        self.rt.block_on(async {
            let r = req.send().await.expect("request");
            (r.status().as_u16(), r.headers().clone(), r.bytes().await.expect("body").to_vec())
        })
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.send(self.client.get(format!("{}{path}", self.url)));
        (status, String::from_utf8(body).expect("utf-8"))
    }

    fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, reqwest::header::HeaderMap, String) {
        let (status, headers, body) = self.send(form_post(self.client.post(format!("{}{path}", self.url)), form));
        (status, headers, String::from_utf8(body).expect("utf-8"))
    }

    /// The CSRF token of the admin page's forms.
    fn csrf(&self) -> String {
        let (_, page) = self.get("/admin");
        let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
        page[at..at + page[at..].find('"').expect("end")].to_owned()
    }
}

#[test]
fn admins_sign_in_with_a_token_manage_tokens_publish_white_lists_and_read_streams() {
    let (d, _, _) = demo();
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d.path());
    let data = ["--data", "demo/maint"];
    drop(l.serve(&data)); // creates the registry log beside the demo's maintenance stream
    let admin =
        l.ok(&["token", "create", "--data", "demo/maint", "--log", "registry", "--scope", "admin"]).trim().to_owned();
    let submit =
        l.ok(&["token", "create", "--data", "demo/maint", "--log", "registry", "--scope", "submit"]).trim().to_owned();
    std::fs::copy(d.path().join("demo/trust/white-list.signed.json"), d.path().join("served-list.json")).expect("copy");
    let server = l.serve(&[
        "--data",
        "demo/maint",
        "--trust-list",
        "served-list.json",
        "--trust-list-key",
        "demo/trust/authority.pub",
    ]);
    let mut b = Browser::new(&server.url);

    // Not signed in: the sign-in form; streams need a session.
    let (status, page) = b.get("/admin");
    assert!(status == 200 && page.contains("id=\"login\"") && page.contains("type=\"password\""), "{page}");
    let (status, page) = b.get("/streams");
    assert!(status == 401 && page.contains("sign in as an administrator"), "{page}");
    // A submit-scope token, a made-up one, or none opens no session.
    for token in [submit.as_str(), "lad_00000000_nope", ""] {
        let (status, headers, page) = b.post("/admin/login", &[("token", token)]);
        assert!(status == 401 && headers.get("set-cookie").is_none() && page.contains("not an admin token"), "{page}");
    }
    // A form posted from another site (or from a hidden origin) is refused before the token is looked at.
    for origin in ["http://evil.example", "null"] {
        let (status, _, _) = b.send(
            form_post(b.client.post(format!("{}/admin/login", b.url)), &[("token", &admin)]).header("origin", origin),
        );
        assert_eq!(status, 403, "{origin}");
    }
    // The admin token opens a session: a cookie the page's script could not read and no other site sends.
    let (status, headers, _) = b.post("/admin/login", &[("token", admin.as_str())]);
    assert_eq!(status, 303);
    let set = headers["set-cookie"].to_str().expect("cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attribute), "{set}");
    }
    b.cookie = Some(set.trim_start_matches("lading_session=").split(';').next().expect("value").to_owned());
    let (status, page) = b.get("/admin");
    assert!(status == 200 && page.contains("id=\"tokens\"") && page.contains(&admin[4..12]), "{page}");
    assert!(!page.contains(&admin), "the token's secret is never shown again");

    // Every form needs the session's CSRF token.
    let csrf = b.csrf();
    let (status, _, page) = b.post("/admin/tokens", &[("csrf", "forged"), ("label", "ci"), ("scope", "submit")]);
    assert!(status == 403 && page.contains("CSRF"), "{page}");
    let (status, _, _) = b.post("/admin/tokens", &[("label", "ci"), ("scope", "submit")]);
    assert_eq!(status, 400);
    // Minting: the token is shown once, and it works.
    let (status, _, page) = b.post("/admin/tokens", &[("csrf", &csrf), ("label", "ci <runner>"), ("scope", "submit")]);
    assert!(status == 200 && page.contains("id=\"new-token\">lad_") && page.contains("ci &#60;runner&#62;"), "{page}");
    let at = page.find("id=\"new-token\">").expect("token") + 15;
    let minted = page[at..at + page[at..].find('<').expect("end")].to_owned();
    let listed = l.ok(&["token", "list", "--data", "demo/maint"]);
    assert!(listed.contains(&minted[4..12]), "{listed}");
    let (status, _, page) = b.post("/admin/tokens", &[("csrf", &csrf), ("label", "x"), ("scope", "root")]);
    assert!(status == 400 && page.contains("unknown scope"), "{page}");
    // Revoking it; a token of another log, or none, is not found.
    let (status, _, page) = b.post("/admin/tokens/revoke", &[("csrf", &csrf), ("id", &minted[4..12])]);
    assert!(status == 200 && page.contains("Revoked token"), "{page}");
    let (status, _, _) = b.post("/admin/tokens/revoke", &[("csrf", &csrf), ("id", "ffffffff")]);
    assert_eq!(status, 404);

    // Publishing a white list: the one served is not newer; a newer one replaces it, on disk too.
    let publish = |b: &Browser, file: &str| {
        let form = reqwest::multipart::Form::new().text("csrf", csrf.clone()).part(
            "list",
            reqwest::multipart::Part::bytes(std::fs::read(d.path().join(file)).expect("list")).file_name("list.json"),
        );
        let (status, _, body) = b.send(b.client.post(format!("{}/admin/trust-list", b.url)).multipart(form));
        (status, String::from_utf8(body).expect("utf-8"))
    };
    let (status, page) = publish(&b, "demo/trust/white-list.signed.json");
    assert!(status == 422 && page.contains("not newer than the list served (sequence 1)"), "{page}");
    let (status, page) = publish(&b, "demo/trust/certificate-saas-release.json");
    assert!(status == 422 && page.contains("was not published"), "{page}");
    l.ok(&[
        "trust-list",
        "sign",
        "demo/trust/white-list.json",
        "--key",
        "demo/trust/authority.key",
        "--out",
        "next.json",
    ]);
    let (status, page) = publish(&b, "next.json");
    assert!(status == 200 && page.contains("Published the white list, sequence 2"), "{page}");
    let (_, trust) = b.get("/trust");
    assert!(trust.contains("<dd>2</dd>") || trust.contains(">2<"), "{trust}");
    assert_eq!(std::fs::read(d.path().join("served-list.json")).ok(), std::fs::read(d.path().join("next.json")).ok());

    // The maintenance stream: listed, its events filtered, a segment exported that verifies offline.
    let (status, page) = b.get("/streams");
    assert!(status == 200 && page.contains("fleet-example-de"), "{page}");
    let (status, page) = b.get("/streams/fleet-example-de");
    assert!(status == 200 && page.contains("<svg class=\"event-chart\"") && page.contains("id=\"export\""), "{page}");
    let (status, page) = b.get("/streams/fleet-example-de?result=failure&asset=cnc-0007");
    assert_eq!(status, 200);
    let rows = page.matches("<td class=\"result failure\">failure</td>").count();
    assert!(rows >= 1 && !page.contains("result success") && !page.contains("<td>cnc-0011</td>"), "{page}");
    let (status, page) = b.get("/streams/fleet-example-de?from=2026-13-01");
    assert!(status == 400 && page.contains("Not an RFC 3339 time"), "{page}");
    let (status, page) = b.get("/streams/no-such-stream");
    assert!(status == 404 && page.contains("no-such-stream"), "{page}");
    let (status, headers, package) =
        b.send(b.client.get(format!("{}/streams/fleet-example-de/export?from=0&to=5", b.url)));
    assert_eq!(status, 200);
    assert!(headers["content-disposition"].to_str().expect("header").contains("fleet-example-de-0-5.lading"));
    std::fs::write(d.path().join("seg.lading"), &package).expect("write");
    let vkey = std::fs::read_to_string(d.path().join("demo/maint/streams/fleet-example-de/log.vkey")).expect("vkey");
    let verified = l.ok(&["maint", "verify", "seg.lading", "--vkey", vkey.trim()]);
    assert!(verified.contains("5 events") || verified.to_lowercase().contains("verified"), "{verified}");
    for bad in ["?from=5&to=5", "?from=0&to=999999", "?from=x&to=1"] {
        let (status, page) = b.get(&format!("/streams/fleet-example-de/export{bad}"));
        assert_eq!(status, 400, "{bad}: {page}");
    }

    // Signing out ends the session; the forms' token dies with it.
    let (status, headers, _) = b.post("/admin/logout", &[("csrf", &csrf)]);
    assert!(status == 303 && headers["set-cookie"].to_str().expect("cookie").contains("Max-Age=0"));
    let (status, _) = b.get("/streams");
    assert_eq!(status, 401);
    let (status, _, _) = b.post("/admin/tokens", &[("csrf", &csrf), ("label", "late"), ("scope", "submit")]);
    assert_eq!(status, 401);
    // Guessing tokens is throttled.
    b.cookie = None;
    let mut last = 0;
    for _ in 0..=lading_console::MAX_FAILED_LOGINS {
        last = b.post("/admin/login", &[("token", "lad_00000000_guess")]).0;
    }
    assert_eq!(last, 429);
    let (status, _, _) = b.post("/admin/login", &[("token", admin.as_str())]);
    assert_eq!(status, 429, "even the right token waits out the minute");
}

#[test]
fn a_long_stream_pages_back_with_its_filters_and_public_streams_need_no_session() {
    let d = tempfile::tempdir().expect("tempdir");
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d.path());
    l.ok(&["key", "generate", "--out", "k"]);
    l.ok(&[
        "maint",
        "stream",
        "create",
        "s",
        "--data",
        "data",
        "--key",
        "k.key",
        "--provider",
        "Suzhou Example Cloud Operations Co., Ltd.",
        "--registration-id",
        "91320500MA1EXAMPLE",
        "--jurisdiction",
        "DE",
    ]);
    // More events than a page reads (streams::SCAN): the sample's first event, renumbered, a second apart.
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/maint/events.jsonl"),
    )
    .expect("sample");
    let first: Value = serde_json::from_str(sample.lines().next().expect("a line")).expect("json");
    let events = lading_console::streams::SCAN + 100;
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-20T08:00:00Z").expect("time");
    let mut lines = String::new();
    for i in 0..events {
        let mut e = first.clone();
        let at = (start + chrono::Duration::seconds(i64::try_from(i).expect("i"))).to_rfc3339();
        e["event_id"] = Value::from(format!("evt-{i:06}"));
        e["occurred_at"] = Value::from(at.clone());
        e["observed_at"] = Value::from(at);
        lines.push_str(&serde_json::to_string(&e).expect("line"));
        lines.push('\n');
    }
    std::fs::write(d.path().join("many.jsonl"), lines).expect("write");
    l.ok(&["maint", "ingest", "s", "many.jsonl", "--data", "data", "--format", "jsonl"]);

    let server = l.serve(&["--data", "data", "--public-streams"]);
    let b = Browser::new(&server.url);
    let older = |page: &str| {
        let at = page.find("id=\"older\" href=\"").expect("an older link") + 17;
        page[at..at + page[at..].find('"').expect("end")].replace("&#38;", "&")
    };
    // A field filter searches the newest SCAN sequences; the page shows the newest 200 matches and
    // pages back below the oldest one shown (no match skipped), keeping the filters.
    let (status, page) = b.get("/streams/s?asset=cnc-0007");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!("100 – {events}")), "{page}");
    assert_eq!(page.matches("<td>cnc-0007</td>").count(), 200, "{page}");
    let href = older(&page);
    let below = events - 200;
    assert!(href.contains("asset=cnc-0007") && href.contains(&format!("before={below}")), "{href}");
    let (status, page) = b.get(&href);
    assert!(status == 200 && page.contains(&format!("0 – {below}")), "{page}");
    assert!(older(&page).contains(&format!("before={}", below - 200)), "{page}");
    let (status, page) = b.get("/streams/s?asset=cnc-0007&before=100");
    assert!(status == 200 && page.contains("0 – 100") && !page.contains("id=\"older\""), "{page}");
    assert_eq!(page.matches("<td>cnc-0007</td>").count(), 100, "{page}");
    // Without a field filter a page reads just the newest 200 sequences, and pages back by 200.
    let (status, page) = b.get("/streams/s");
    assert!(status == 200 && page.contains(&format!("{below} – {events}")), "{page}");
    assert!(older(&page).contains(&format!("before={below}")), "{page}");
}

/// `lading bench console`: the demo deployment with a grown stream, every page timed against
/// `/healthz` on the same server, and a second run reusing the stream it built.
#[test]
fn bench_console_times_the_deployment_pages_against_healthz() {
    let d = tempfile::tempdir().expect("tempdir");
    let bench = |events: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_lading"))
            .current_dir(d.path())
            .args(["--json", "bench", "console", "--dir", "b", "--events", events, "--repeats", "3"])
            .output()
            .expect("bench");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).expect("json")
    };
    let v = bench("6000");
    assert_eq!(v["stream_events"], 6000, "{v}");
    let pages = v["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 11, "{v}");
    assert_eq!(pages[0]["request"], "GET /healthz", "{v}");
    for p in pages {
        assert!(p["median_ms"].as_f64().is_some_and(|m| m > 0.0) && p["p95_ms"].as_f64() >= p["median_ms"].as_f64());
    }
    let request = |p: &Value| p["request"].as_str().unwrap_or_default().to_owned();
    assert!(pages.iter().any(|p| request(p).starts_with("POST /verify")), "{v}");
    assert!(pages.iter().any(|p| request(p).contains("?asset=bench-rare")), "{v}");
    assert!(pages.iter().any(|p| request(p) == "GET /admin"), "{v}");
    // The stream is kept: asking for more grows it in time order; asking for fewer reuses it.
    assert_eq!(bench("7000")["stream_events"], 7000);
    assert_eq!(bench("10")["stream_events"], 7000);
    let out = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(d.path())
        .args(["bench", "console", "--dir", "b", "--repeats", "0"])
        .output()
        .expect("bench");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("at least 1"));
}

/// Logs created from the admin page are served at once, kept across restarts, and refused with the
/// reason when the name, the origin or the admin is not acceptable — without leaving anything behind.
#[test]
fn admins_of_the_registry_log_create_logs_that_are_served_at_once() {
    let d = tempfile::tempdir().expect("tempdir");
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d.path());
    drop(l.serve(&["--data", "srv"])); // creates the registry log
    let admin = l.ok(&["token", "create", "--data", "srv", "--log", "registry", "--scope", "admin"]).trim().to_owned();
    let server = l.serve(&["--data", "srv"]);
    let mut b = Browser::new(&server.url);
    let (status, headers, _) = b.post("/admin/login", &[("token", admin.as_str())]);
    assert_eq!(status, 303);
    let set = headers["set-cookie"].to_str().expect("cookie");
    b.cookie = Some(set.trim_start_matches("lading_session=").split(';').next().expect("value").to_owned());
    let (_, page) = b.get("/admin");
    assert!(page.contains("id=\"create-log\""), "{page}");
    let csrf = b.csrf();

    // A forged form creates nothing.
    let (status, _, _) = b.post("/admin/logs", &[("csrf", "forged"), ("name", "fleet-b")]);
    assert_eq!(status, 403);
    // Created with the deployment's origin prefix, listed, and served at once.
    let (status, _, page) = b.post("/admin/logs", &[("csrf", &csrf), ("name", "fleet-b"), ("origin", "")]);
    assert!(
        status == 200 && page.contains("Log created: fleet-b (lading.localhost/fleet-b): lading.localhost/fleet-b+"),
        "{page}"
    );
    let at = page.find("Log created: fleet-b (lading.localhost/fleet-b): ").expect("notice") + 49;
    let vkey = page[at..at + page[at..].find('<').expect("end")].to_owned();
    assert!(page.contains("<td>fleet-b</td>"), "{page}");
    let (status, explorer) = b.get("/logs/fleet-b");
    assert!(status == 200 && explorer.contains("lading.localhost/fleet-b"), "{explorer}");
    let (_, dashboard) = b.get("/");
    assert!(dashboard.contains("fleet-b"), "{dashboard}");
    let (status, listed) = b.get("/v1/logs");
    assert!(status == 200 && listed.contains("\"fleet-b\"") && listed.contains(&vkey), "{listed}");
    // It takes submissions at once, with a token minted for it.
    let submit = l.ok(&["token", "create", "--data", "srv", "--log", "fleet-b", "--scope", "submit"]).trim().to_owned();
    let (status, _, body) = b.send(
        b.client
            .post(format!("{}/v1/logs/fleet-b/entries", b.url))
            .header("authorization", format!("Bearer {submit}"))
            .header("content-type", "application/octet-stream")
            .body(b"an entry".to_vec()),
    );
    assert!(status == 200 || status == 201, "{status}: {}", String::from_utf8_lossy(&body));
    // The dashboard: the log's checkpoint, signed by this process seconds ago, and its submission.
    let (_, dashboard) = b.get("/");
    let row = &dashboard[dashboard.find("<td>fleet-b</td>").or_else(|| dashboard.find(">fleet-b<")).expect("row")..];
    let row = &row[..row.find("</tr>").expect("end of row")];
    assert!(row.contains(" s ago</td>") && row.contains("<td class=\"num\">1</td>"), "{row}");

    // Refused with the reason, nothing written: a bad name, a taken one, a bad origin.
    for (form, want, why) in [
        (vec![("name", "Fleet C")], 422, "log name"),
        (vec![("name", "../etc")], 422, "log name"),
        (vec![("name", "fleet-b")], 409, "already serves a log named"),
        (vec![("name", "registry")], 409, "already serves a log named"),
        (vec![("name", "fleet-c"), ("origin", "has space")], 422, "origin"),
        (vec![("name", "fleet-c"), ("origin", "a+b")], 422, "origin"),
    ] {
        let mut pairs = vec![("csrf", csrf.as_str())];
        pairs.extend(form.iter().copied());
        let (status, _, page) = b.post("/admin/logs", &pairs);
        assert!(status == want && page.contains(why), "{form:?}: {status} {page}");
    }
    let logs = l.ok(&["logs", "list", "--data", "srv"]);
    assert!(logs.contains("fleet-b") && !logs.contains("fleet-c") && !logs.contains("Fleet"), "{logs}");
    assert!(!d.path().join("srv/logs/fleet-c").exists() && !d.path().join("srv/logs/Fleet C").exists());

    // Admins of another log may not create logs.
    let other = l.ok(&["token", "create", "--data", "srv", "--log", "fleet-b", "--scope", "admin"]).trim().to_owned();
    let mut o = Browser::new(&server.url);
    let (_, headers, _) = o.post("/admin/login", &[("token", other.as_str())]);
    let set = headers["set-cookie"].to_str().expect("cookie");
    o.cookie = Some(set.trim_start_matches("lading_session=").split(';').next().expect("value").to_owned());
    let csrf_o = o.csrf();
    let (status, _, page) = o.post("/admin/logs", &[("csrf", &csrf_o), ("name", "fleet-d")]);
    assert!(status == 403 && page.contains("only admins of the registry log"), "{page}");

    // Kept: after a restart the log is served with the same key and its entry.
    drop(server);
    let server = l.serve(&["--data", "srv"]);
    let b = Browser::new(&server.url);
    let (status, listed) = b.get("/v1/logs");
    assert!(status == 200 && listed.contains(&vkey), "{listed}");
    let (status, explorer) = b.get("/logs/fleet-b");
    assert!(status == 200 && explorer.contains("entries/0"), "{explorer}");
    // A process that has signed no checkpoint of a log yet says so instead of an age.
    let (_, dashboard) = b.get("/");
    assert!(dashboard.contains("<td class=\"num age\">since start</td>"), "{dashboard}");
}
