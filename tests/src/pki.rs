//! A PKI of the tests' own, made with Debian's `openssl` (a tool independent of the
//! verifier): CAs, signer certificates as Italian qualified CAs issue them (the
//! `TINIT-<CF>` serialNumber, nonRepudiation, QCStatements) and every way they go wrong,
//! CRLs, and CAdES and PAdES signatures over a document.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// QCStatements { QcCompliance }: an EU qualified certificate (ETSI EN 319 412-5).
const QC_STATEMENTS: &str = "1.3.6.1.5.5.7.1.3 = DER:300A3008060604008E460101";

/// A folder of keys and certificates, removed when dropped.
pub struct Pki {
    dir: PathBuf,
}

/// A CA: its folder (database, serial), certificate and key.
#[derive(Clone)]
pub struct Ca {
    pub name: String,
    dir: PathBuf,
}

/// A signer's key and certificate (and the CA certificates to carry with it).
#[derive(Clone)]
pub struct Signer {
    pub key: PathBuf,
    pub cert: PathBuf,
    pub chain: Vec<PathBuf>,
}

/// What a signer certificate is made like.
#[derive(Clone)]
pub struct Profile<'a> {
    pub common_name: &'a str,
    /// The subject's serialNumber (`TINIT-…`), if any.
    pub serial_number: Option<String>,
    /// `rsa:2048`, `ec:P-256`, `rsa-pss:2048`…
    pub key: &'a str,
    /// The extensions section of the CA's configuration: `qualified`, `cns`,
    /// `unqualified`.
    pub extensions: &'a str,
    /// `YYYYMMDDHHMMSSZ`.
    pub not_before: &'a str,
    pub not_after: &'a str,
}

impl Default for Profile<'_> {
    fn default() -> Self {
        Profile {
            common_name: "Mario Rossi",
            serial_number: None,
            key: "rsa:2048",
            extensions: "qualified",
            not_before: "20250101000000Z",
            not_after: "20351231235959Z",
        }
    }
}

impl Pki {
    pub fn new(name: &str) -> Result<Pki> {
        let dir = std::env::temp_dir().join(format!("pec-pki-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Pki { dir })
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// A self-signed root CA.
    pub fn root(&self, name: &str, organization: &str) -> Result<Ca> {
        let ca = self.ca_dir(name)?;
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            s(&ca.dir.join("ca.key")),
            "-out",
            s(&ca.dir.join("ca.pem")),
            "-days",
            "7300",
            "-set_serial",
            "1",
            "-subj",
            &format!("/C=IT/O={organization}/CN={organization} Qualified CA"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-addext",
            "subjectKeyIdentifier=hash",
        ])?;
        Ok(ca)
    }

    /// A CA whose certificate `parent` issues.
    pub fn intermediate(&self, parent: &Ca, name: &str, organization: &str) -> Result<Ca> {
        let ca = self.ca_dir(name)?;
        let csr = ca.dir.join("ca.csr");
        openssl(&[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            s(&ca.dir.join("ca.key")),
            "-out",
            s(&csr),
            "-subj",
            &format!("/C=IT/O={organization}/CN={organization} Firma Qualificata"),
        ])?;
        parent.issue(
            &csr,
            &ca.dir.join("ca.pem"),
            "intermediate",
            "20240101000000Z",
            "20400101000000Z",
        )?;
        Ok(ca)
    }

    fn ca_dir(&self, name: &str) -> Result<Ca> {
        let dir = self.dir.join(name);
        std::fs::create_dir_all(dir.join("certs"))?;
        std::fs::write(dir.join("index.txt"), "")?;
        std::fs::write(dir.join("serial"), "1000\n")?;
        std::fs::write(dir.join("crlnumber"), "01\n")?;
        std::fs::write(dir.join("ca.cnf"), config(&dir))?;
        Ok(Ca {
            name: name.to_owned(),
            dir,
        })
    }

    /// A key and a certificate made by `ca` after `profile`.
    pub fn signer(&self, ca: &Ca, name: &str, profile: &Profile<'_>) -> Result<Signer> {
        let key = self.dir.join(format!("{name}.key"));
        let csr = self.dir.join(format!("{name}.csr"));
        let cert = self.dir.join(format!("{name}.pem"));
        let mut subject = format!("/C=IT/CN={}", profile.common_name);
        if let Some(serial) = &profile.serial_number {
            subject.push_str(&format!("/serialNumber={serial}"));
        }
        let (algorithm, option) = match profile.key.split_once(':') {
            Some(("rsa", bits)) => ("RSA", format!("rsa_keygen_bits:{bits}")),
            Some(("rsa-pss", bits)) => ("RSA", format!("rsa_keygen_bits:{bits}")),
            Some(("ec", curve)) => ("EC", format!("ec_paramgen_curve:{curve}")),
            _ => bail!("unknown key {}", profile.key),
        };
        openssl(&[
            "genpkey",
            "-algorithm",
            algorithm,
            "-pkeyopt",
            &option,
            "-out",
            s(&key),
        ])?;
        openssl(&[
            "req",
            "-new",
            "-key",
            s(&key),
            "-out",
            s(&csr),
            "-subj",
            &subject,
        ])?;
        ca.issue(
            &csr,
            &cert,
            profile.extensions,
            profile.not_before,
            profile.not_after,
        )?;
        Ok(Signer {
            key,
            cert,
            chain: ca.chain(),
        })
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Ca {
    pub fn cert(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The CA certificates a signature under this CA carries (not the root's).
    fn chain(&self) -> Vec<PathBuf> {
        let chain = self.dir.join("chain.pem");
        if chain.exists() {
            vec![chain]
        } else {
            Vec::new()
        }
    }

    fn issue(&self, csr: &Path, out: &Path, extensions: &str, from: &str, to: &str) -> Result<()> {
        openssl(&[
            "ca",
            "-batch",
            "-notext",
            "-config",
            s(&self.dir.join("ca.cnf")),
            "-extensions",
            extensions,
            "-startdate",
            from,
            "-enddate",
            to,
            "-in",
            s(csr),
            "-out",
            s(out),
        ])?;
        if extensions == "intermediate" {
            // The new CA's signatures carry its certificate.
            std::fs::copy(out, out.with_file_name("chain.pem"))?;
        }
        Ok(())
    }

    /// Revokes `signer`'s certificate and returns the CA's CRL (DER).
    pub fn revoke(&self, signer: &Signer) -> Result<Vec<u8>> {
        let config = self.dir.join("ca.cnf");
        openssl(&["ca", "-config", s(&config), "-revoke", s(&signer.cert)])?;
        let crl = self.dir.join("crl.der");
        let pem = self.dir.join("crl.pem");
        openssl(&["ca", "-config", s(&config), "-gencrl", "-out", s(&pem)])?;
        openssl(&["crl", "-in", s(&pem), "-outform", "DER", "-out", s(&crl)])?;
        Ok(std::fs::read(crl)?)
    }
}

/// How a CAdES file is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Der,
    /// Indefinite lengths and a chunked content (`-stream`).
    Ber,
    Pem,
}

/// `openssl cms -sign` options for a signature.
#[derive(Clone)]
pub struct Signing<'a> {
    pub digest: &'a str,
    pub encoding: Encoding,
    /// RSA-PSS padding.
    pub pss: bool,
    /// The signer named by his subject key identifier.
    pub key_id: bool,
    /// Signed attributes with ESS signing-certificate-v2 (CAdES-BES).
    pub cades: bool,
}

impl Default for Signing<'_> {
    fn default() -> Self {
        Signing {
            digest: "sha256",
            encoding: Encoding::Der,
            pss: false,
            key_id: false,
            cades: true,
        }
    }
}

/// A CAdES attached signature (`.p7m`) of `content` by `signers`.
pub fn cades(
    dir: &Pki,
    name: &str,
    content: &[u8],
    signers: &[&Signer],
    how: &Signing<'_>,
) -> Result<Vec<u8>> {
    sign(dir, name, content, signers, how, true)
}

/// A detached CMS signature of `content` (what a PDF's /Contents hold).
pub fn detached(dir: &Pki, name: &str, content: &[u8], signer: &Signer) -> Result<Vec<u8>> {
    sign(dir, name, content, &[signer], &Signing::default(), false)
}

fn sign(
    dir: &Pki,
    name: &str,
    content: &[u8],
    signers: &[&Signer],
    how: &Signing<'_>,
    attached: bool,
) -> Result<Vec<u8>> {
    let input = dir.path(&format!("{name}.in"));
    let output = dir.path(&format!("{name}.out"));
    std::fs::write(&input, content)?;
    let mut args: Vec<String> = ["cms", "-sign", "-binary", "-md", how.digest]
        .map(str::to_owned)
        .to_vec();
    if attached {
        args.push("-nodetach".into());
    }
    if how.cades {
        args.push("-cades".into());
    }
    if how.key_id {
        args.push("-keyid".into());
    }
    for signer in signers {
        args.extend(["-signer".into(), s(&signer.cert).into()]);
        args.extend(["-inkey".into(), s(&signer.key).into()]);
        if how.pss {
            args.extend(["-keyopt".into(), "rsa_padding_mode:pss".into()]);
        }
    }
    if let Some(chain) = signers.iter().flat_map(|s| s.chain.first()).next() {
        args.extend(["-certfile".into(), s(chain).into()]);
    }
    match how.encoding {
        Encoding::Der => args.extend(["-outform".into(), "DER".into()]),
        Encoding::Ber => args.extend(["-stream".into(), "-outform".into(), "DER".into()]),
        Encoding::Pem => args.extend(["-outform".into(), "PEM".into()]),
    }
    args.extend([
        "-in".into(),
        s(&input).into(),
        "-out".into(),
        s(&output).into(),
    ]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    openssl(&refs)?;
    Ok(std::fs::read(output)?)
}

/// `document` with an incremental update holding a PAdES signature by `signer`, made the
/// way signing programs make one: a signature dictionary whose /Contents hold a detached
/// CMS over the /ByteRange, that is the whole file but the /Contents, then a
/// cross-reference table and a trailer continuing the document's.
pub fn pades(pki: &Pki, document: &[u8], signer: &Signer) -> Result<Vec<u8>> {
    pades_with(pki, document, &[], signer)
}

/// [`pades`] with `objects` (number, body) written in the signing update before the
/// signature dictionary: what a signer could slip into the update he signs.
pub fn pades_with(
    pki: &Pki,
    document: &[u8],
    objects: &[(u32, String)],
    signer: &Signer,
) -> Result<Vec<u8>> {
    const SLOTS: usize = 16_384;
    // An object number no document of the tests uses.
    const SIGNATURE: u32 = 9999;
    let text = String::from_utf8_lossy(document);
    let trailer_value = |key: &str| {
        let at = text.rfind(&format!("/{key} "))? + key.len() + 2;
        Some(text[at..].split(" R").next()?.trim().to_owned())
    };
    let root = trailer_value("Root").context("the document's catalog")?;
    let info = trailer_value("Info");
    let prev: usize = text
        .rfind("startxref")
        .and_then(|at| text[at + 9..].split_whitespace().next()?.parse().ok())
        .context("the document's startxref")?;

    let mut head = document.to_vec();
    let mut offsets = Vec::new();
    for (id, body) in objects {
        offsets.push((*id, head.len()));
        head.extend_from_slice(format!("{id} 0 obj\n{body}\nendobj\n").as_bytes());
    }
    offsets.push((SIGNATURE, head.len()));
    head.extend_from_slice(
        format!("{SIGNATURE} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 ")
            .as_bytes(),
    );
    // The range's numbers have a fixed width, so the offsets do not move once written.
    let placeholder =
        |a: usize, b: usize, c: usize| format!("{a:010} {b:010} {c:010}] /Contents <");
    let contents_at = head.len() + placeholder(0, 0, 0).len() - 1;
    let after_at = contents_at + 2 + SLOTS * 2;
    let table_at = after_at + " >>\nendobj\n".len();
    let mut entries = String::from("0 1\n0000000000 65535 f \n");
    for (id, at) in &offsets {
        entries.push_str(&format!("{id} 1\n{at:010} 00000 n \n"));
    }
    let info = info.map(|i| format!(" /Info {i} R")).unwrap_or_default();
    let tail = format!(
        " >>\nendobj\nxref\n{entries}trailer\n<< /Size {} /Root {root} R{info} /Prev {prev} >>\nstartxref\n{table_at}\n%%EOF\n",
        SIGNATURE + 1
    );
    let tail = tail.as_bytes();
    let total = after_at + tail.len();
    let mut file = [
        &head[..],
        placeholder(contents_at, after_at, total - after_at).as_bytes(),
    ]
    .concat();
    let signed = [&file[..contents_at], tail].concat();
    let cms = detached(pki, "pades", &signed, signer)?;
    anyhow::ensure!(cms.len() <= SLOTS, "the signature does not fit");
    let mut hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    hex.push_str(&"0".repeat(SLOTS * 2 - hex.len()));
    file.extend_from_slice(hex.as_bytes());
    file.push(b'>');
    file.extend_from_slice(tail);
    anyhow::ensure!(file.len() == total);
    Ok(file)
}

/// `document` signed as PAdES by pyHanko (`PEC_PYHANKO`, installed by `cargo xtask
/// test`), an invisible signature field added in an incremental update.
pub fn pyhanko(pki: &Pki, name: &str, document: &[u8], signer: &Signer) -> Result<Vec<u8>> {
    pyhanko_field(pki, name, document, signer, &format!("Firma-{name}"))
}

/// [`pyhanko`] with pyHanko's `--field` spec: `PAGE/X1,Y1,X2,Y2/NAME` draws the
/// signature's appearance in that box.
pub fn pyhanko_field(
    pki: &Pki,
    name: &str,
    document: &[u8],
    signer: &Signer,
    field: &str,
) -> Result<Vec<u8>> {
    let tool = std::env::var("PEC_PYHANKO").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/pec-ingegneri/pyhanko-venv/bin/pyhanko")
    });
    let (input, output) = (
        pki.path(&format!("{name}.pdf")),
        pki.path(&format!("{name}.signed.pdf")),
    );
    std::fs::write(&input, document)?;
    let result = Command::new(&tool)
        .args(["sign", "addsig", "--field", field, "--use-pades", "pemder"])
        .args([
            "--key",
            s(&signer.key),
            "--cert",
            s(&signer.cert),
            "--no-pass",
        ])
        .args([s(&input), s(&output)])
        .output()
        .with_context(|| format!("pyHanko is needed ({tool}): `cargo xtask test` installs it"))?;
    if !result.status.success() {
        bail!(
            "pyHanko failed: {}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
    Ok(std::fs::read(output)?)
}

/// The contract PDF/A the server issues, for Mario Rossi with `holder`'s code.
pub fn issued_contract(holder: &shared::codice_fiscale::CodiceFiscale) -> Result<Vec<u8>> {
    use functions::service::contratto::pdf::{DatiContratto, render};
    use shared::member::{Anagrafica, Cap};
    let anagrafica = Anagrafica {
        nome: "Mario".to_owned(),
        cognome: "Rossi".to_owned(),
        codice_fiscale: holder.clone(),
        indirizzo: "Via Roma 1".to_owned(),
        comune: "Milano".to_owned(),
        provincia: "MI".to_owned(),
        cap: Cap::parse("20121")?,
        email: "mario.rossi@example.it".parse()?,
        telefono: None,
    };
    let today = chrono::Utc::now();
    let versione = shared::contratto::in_vigore(today.date_naive()).context("a text in force")?;
    Ok(render(&DatiContratto {
        documento: "C-TEST-1",
        emesso_il: today,
        anagrafica: &anagrafica,
        indirizzo_pec: "mario.rossi@ingpec.eu",
        piano: "PEC Base",
        attivata_il: today.date_naive(),
        versione: &versione,
    })?)
}

/// A PAdES file's signed bytes (its /ByteRange) and the CMS in its /Contents.
pub fn pades_parts(file: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let text = String::from_utf8_lossy(file);
    let at = text.rfind("/ByteRange [").context("no /ByteRange")? + "/ByteRange [".len();
    let numbers: Vec<usize> = text[at..]
        .split(']')
        .next()
        .context("an unterminated /ByteRange")?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let [a, b, c, d] = numbers[..] else {
        bail!("a /ByteRange of {} numbers", numbers.len());
    };
    let signed = [&file[a..a + b], &file[c..c + d]].concat();
    let hex = &file[b + 1..c - 1];
    let cms: Vec<u8> = hex
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("zz"), 16))
        .collect::<Result<_, _>>()?;
    // The DER ends where its length says; the rest is the placeholder's zeros.
    let len = match cms.get(1) {
        Some(0x82) => 4 + ((usize::from(cms[2]) << 8) | usize::from(cms[3])),
        Some(0x81) => 3 + usize::from(cms[2]),
        Some(n) if *n < 0x80 => 2 + usize::from(*n),
        _ => bail!("a CMS length form the helper does not read"),
    };
    Ok((signed, cms[..len].to_vec()))
}

/// Whether `openssl cms -verify` accepts `p7m` under `ca` (the peer the benchmark and
/// the corpus compare with).
pub fn openssl_verifies(dir: &Pki, p7m: &[u8], ca: &Ca) -> Result<bool> {
    let input = dir.path("verify.p7m");
    std::fs::write(&input, p7m)?;
    let status = Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
        ])
        .args([
            "-CAfile",
            s(&ca.cert()),
            "-in",
            s(&input),
            "-out",
            "/dev/null",
        ])
        .output()
        .context("openssl is needed (Debian's `openssl`)")?;
    Ok(status.status.success())
}

/// Whether `openssl cms -verify` accepts a detached `cms` over `content` under `ca` (a
/// PAdES signature, given its parts).
pub fn openssl_verifies_detached(dir: &Pki, cms: &[u8], content: &[u8], ca: &Ca) -> Result<bool> {
    let (signature, signed) = (dir.path("verify.p7s"), dir.path("verify.content"));
    std::fs::write(&signature, cms)?;
    std::fs::write(&signed, content)?;
    let status = Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
        ])
        .args(["-CAfile", s(&ca.cert()), "-in", s(&signature)])
        .args(["-content", s(&signed), "-out", "/dev/null"])
        .output()
        .context("openssl is needed (Debian's `openssl`)")?;
    Ok(status.status.success())
}

fn openssl(args: &[&str]) -> Result<()> {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .context("openssl is needed (Debian's `openssl`)")?;
    if !output.status.success() {
        bail!(
            "openssl {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

fn config(dir: &Path) -> String {
    format!(
        "[ ca ]
default_ca = demo
[ demo ]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/certs
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
policy = anything
default_crl_days = 30
unique_subject = no
copy_extensions = none
[ anything ]
countryName = optional
organizationName = optional
commonName = supplied
serialNumber = optional
[ qualified ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
{QC_STATEMENTS}
[ cns ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ unqualified ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ intermediate ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
",
        dir = dir.display()
    )
}
