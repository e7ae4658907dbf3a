//! The signed-contract verifier against files it has never seen: a PKI made by Debian's
//! `openssl`, contracts signed in every form the holder's programs write (CAdES in DER,
//! BER, PEM and base64, RSA PKCS#1 and PSS, ECDSA P-256 and P-384, SHA-1 to SHA-512, a
//! nested `.p7m`, two signers, a path through a sub-CA) and a corpus of hostile files
//! (every way a certificate, a signer or a document is wrong, truncations, flipped bytes,
//! garbage). None of the hostile files may be accepted.

use anyhow::{Context, Result, ensure};
use base64::Engine;
use chrono::Utc;
use e2e::pki::{
    Ca, Encoding, Pki, Profile, Signer, Signing, cades, detached, issued_contract,
    openssl_verifies, pades, pades_with, pyhanko, pyhanko_field,
};
use sha2::{Digest, Sha256};
use shared::codice_fiscale::CodiceFiscale;
use shared::firma::{Esito, Fiducia, Referto, Revisione, Rifiuto, Verifica, verifica};

const HOLDER: &str = "RSSMRA85T10A562S";
const OTHER: &str = "DSNMGR80A41F205X";

/// A stand-in for the issued contract: a small PDF, as its first revision ends (its
/// cross-reference table where `startxref` says, as readers find it).
fn contract(tag: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [] /Count 0 >>",
    ];
    let mut pdf = String::from("%PDF-1.7\n");
    let mut entries = String::from("0000000000 65535 f \n");
    for (i, body) in objects.iter().enumerate() {
        entries.push_str(&format!("{:010} 00000 n \n", pdf.len()));
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    pdf.push_str(&format!(
        "% Contratto {tag}: il titolare {HOLDER} accetta le condizioni.\n"
    ));
    let table = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 3\n{entries}trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{table}\n%%EOF\n"
    ));
    pdf.into_bytes()
}

struct World {
    pki: Pki,
    root: Ca,
    contract: Vec<u8>,
    trust: Fiducia,
    holder: CodiceFiscale,
}

impl World {
    fn new(name: &str) -> Result<World> {
        let pki = Pki::new(name)?;
        let root = pki.root("root", "Demo Certificatore")?;
        let trust = Fiducia::from_pem(&std::fs::read_to_string(root.cert())?)?;
        Ok(World {
            pki,
            root,
            contract: contract("A-1"),
            trust,
            holder: CodiceFiscale::parse(HOLDER)?,
        })
    }

    fn holder_profile(&self) -> Profile<'static> {
        Profile {
            serial_number: Some(format!("TINIT-{HOLDER}")),
            ..Profile::default()
        }
    }

    fn verify(&self, file: &[u8]) -> Referto {
        let issued: [u8; 32] = Sha256::digest(&self.contract).into();
        verifica(
            file,
            &Verifica {
                titolare: &self.holder,
                emessi: &[issued],
                fiducia: &self.trust,
                al: Utc::now(),
            },
        )
    }
}

/// What a file's outcome must be.
type Expected = fn(&Referto) -> bool;

/// In the Fondazione's review, for `motivo`.
fn in_review(referto: &Referto, motivo: Revisione) -> bool {
    referto.esito == Esito::InRevisione { motivo }
}

fn accepted(referto: &Referto) -> bool {
    referto.esito == Esito::Verificato
}

fn refused(referto: &Referto, what: fn(&Rifiuto) -> bool) -> bool {
    matches!(&referto.esito, Esito::Rifiutato { motivo } if what(motivo))
}

#[test]
fn a_holders_qualified_signature_is_accepted_in_every_form_his_programs_write() -> Result<()> {
    let w = World::new("good")?;
    let rsa = w.pki.signer(&w.root, "rsa", &w.holder_profile())?;
    let p256 = w.pki.signer(
        &w.root,
        "p256",
        &Profile {
            key: "ec:P-256",
            ..w.holder_profile()
        },
    )?;
    let p384 = w.pki.signer(
        &w.root,
        "p384",
        &Profile {
            key: "ec:P-384",
            ..w.holder_profile()
        },
    )?;
    let sub = w.pki.intermediate(&w.root, "sub", "Demo Sub")?;
    let under_sub = w.pki.signer(&sub, "under-sub", &w.holder_profile())?;
    let colleague = w.pki.signer(
        &w.root,
        "colleague",
        &Profile {
            common_name: "Maria Desantis",
            serial_number: Some(format!("TINIT-{OTHER}")),
            ..Profile::default()
        },
    )?;

    let cases: Vec<(&str, &Signer, Signing<'_>)> = vec![
        ("RSA 2048, SHA-256, DER", &rsa, Signing::default()),
        (
            "RSA, SHA-1",
            &rsa,
            Signing {
                digest: "sha1",
                ..Signing::default()
            },
        ),
        (
            "RSA, SHA-384",
            &rsa,
            Signing {
                digest: "sha384",
                ..Signing::default()
            },
        ),
        (
            "RSA, SHA-512",
            &rsa,
            Signing {
                digest: "sha512",
                ..Signing::default()
            },
        ),
        (
            "RSA-PSS, SHA-256",
            &rsa,
            Signing {
                pss: true,
                ..Signing::default()
            },
        ),
        (
            "RSA, BER (-stream)",
            &rsa,
            Signing {
                encoding: Encoding::Ber,
                ..Signing::default()
            },
        ),
        (
            "RSA, PEM",
            &rsa,
            Signing {
                encoding: Encoding::Pem,
                ..Signing::default()
            },
        ),
        (
            "RSA, by key id",
            &rsa,
            Signing {
                key_id: true,
                ..Signing::default()
            },
        ),
        (
            "RSA, without ESS (plain CMS)",
            &rsa,
            Signing {
                cades: false,
                ..Signing::default()
            },
        ),
        ("ECDSA P-256, SHA-256", &p256, Signing::default()),
        (
            "ECDSA P-384, SHA-384",
            &p384,
            Signing {
                digest: "sha384",
                ..Signing::default()
            },
        ),
        (
            "ECDSA P-384, SHA-1",
            &p384,
            Signing {
                digest: "sha1",
                ..Signing::default()
            },
        ),
        ("through a sub-CA", &under_sub, Signing::default()),
    ];
    for (i, (what, signer, how)) in cases.iter().enumerate() {
        let file = cades(&w.pki, &format!("good-{i}"), &w.contract, &[*signer], how)?;
        let referto = w.verify(&file);
        ensure!(accepted(&referto), "{what}: {referto:?}");
        ensure!(
            referto.firmatari[0].codice_fiscale.as_deref() == Some(HOLDER),
            "{what}: {referto:?}"
        );
    }

    // The checks the browser could make before sending: the holder's file passes (the
    // server decides), a colleague's is refused as such, garbage too.
    let holder_file = cades(&w.pki, "pre", &w.contract, &[&rsa], &Signing::default())?;
    ensure!(shared::firma::precheck(&holder_file, &w.holder, Utc::now()).is_none());
    let colleague_file = cades(
        &w.pki,
        "pre-c",
        &w.contract,
        &[&colleague],
        &Signing::default(),
    )?;
    ensure!(matches!(
        shared::firma::precheck(&colleague_file, &w.holder, Utc::now()),
        Some(Rifiuto::AltroFirmatario { .. })
    ));
    ensure!(
        shared::firma::precheck(b"garbage", &w.holder, Utc::now()) == Some(Rifiuto::NonFirmato)
    );

    // Base64 without PEM armour, as some programs save it.
    let der = cades(&w.pki, "b64", &w.contract, &[&rsa], &Signing::default())?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    ensure!(accepted(&w.verify(b64.as_bytes())), "base64");

    // A .p7m.p7m: the holder's signature signed again (by a colleague here).
    let outer = cades(&w.pki, "nested", &der, &[&colleague], &Signing::default())?;
    let referto = w.verify(&outer);
    ensure!(accepted(&referto), "nested: {referto:?}");
    ensure!(referto.firmatari.len() == 2, "{referto:?}");

    // Two signers side by side, the holder second.
    let both = cades(
        &w.pki,
        "two",
        &w.contract,
        &[&colleague, &rsa],
        &Signing::default(),
    )?;
    let referto = w.verify(&both);
    ensure!(accepted(&referto), "two signers: {referto:?}");
    ensure!(referto.firmatari[0].codice_fiscale.as_deref() == Some(HOLDER));
    Ok(())
}

#[test]
fn every_wrong_certificate_signer_or_document_is_refused_or_reviewed_with_its_reason() -> Result<()>
{
    let w = World::new("wrong")?;
    let mut trust = w.trust.clone();
    let p = w.holder_profile();
    let sign = |name: &str, signer: &Signer| {
        cades(&w.pki, name, &w.contract, &[signer], &Signing::default())
    };

    // Another engineer, and the omocodic code of another person.
    let other = w.pki.signer(
        &w.root,
        "other",
        &Profile {
            serial_number: Some(format!("TINIT-{OTHER}")),
            ..p.clone()
        },
    )?;
    let omocodic = w.holder.omocodic_variant(1);
    let omo = w.pki.signer(
        &w.root,
        "omo",
        &Profile {
            serial_number: Some(format!("TINIT-{}", omocodic.as_str())),
            ..p.clone()
        },
    )?;
    let no_cf = w.pki.signer(
        &w.root,
        "nocf",
        &Profile {
            serial_number: None,
            ..p.clone()
        },
    )?;
    let cns = w.pki.signer(
        &w.root,
        "cns",
        &Profile {
            extensions: "cns",
            ..p.clone()
        },
    )?;
    let unqualified = w.pki.signer(
        &w.root,
        "unq",
        &Profile {
            extensions: "unqualified",
            ..p.clone()
        },
    )?;
    let expired = w.pki.signer(
        &w.root,
        "expired",
        &Profile {
            not_before: "20200101000000Z",
            not_after: "20210101000000Z",
            ..p.clone()
        },
    )?;
    let future = w.pki.signer(
        &w.root,
        "future",
        &Profile {
            not_before: "20990101000000Z",
            not_after: "20991231000000Z",
            ..p.clone()
        },
    )?;
    let revoked = w.pki.signer(&w.root, "revoked", &p)?;
    let crl = w.root.revoke(&revoked)?;
    let stranger_ca = w.pki.root("stranger", "Certificatore Estero")?;
    let stranger = w.pki.signer(&stranger_ca, "stranger", &p)?;
    let stranger_other = w.pki.signer(
        &stranger_ca,
        "stranger-other",
        &Profile {
            serial_number: Some(format!("TINIT-{OTHER}")),
            ..p.clone()
        },
    )?;
    let good = w.pki.signer(&w.root, "good", &p)?;

    let checks: Vec<(&str, Vec<u8>, Expected)> = vec![
        ("another engineer", sign("other", &other)?, |r| {
            refused(
                r,
                |m| matches!(m, Rifiuto::AltroFirmatario { codice_fiscale, .. } if codice_fiscale.as_str() == OTHER),
            )
        }),
        (
            "an omocodic code: another person",
            sign("omo", &omo)?,
            |r| refused(r, |m| matches!(m, Rifiuto::AltroFirmatario { .. })),
        ),
        ("no codice fiscale", sign("nocf", &no_cf)?, |r| {
            refused(r, |m| *m == Rifiuto::SenzaCodiceFiscale)
        }),
        (
            "a CNS authentication certificate",
            sign("cns", &cns)?,
            |r| refused(r, |m| *m == Rifiuto::NonDiFirma),
        ),
        ("not qualified", sign("unq", &unqualified)?, |r| {
            refused(r, |m| *m == Rifiuto::NonQualificato)
        }),
        ("expired", sign("expired", &expired)?, |r| {
            refused(r, |m| matches!(m, Rifiuto::Scaduto { .. }))
        }),
        ("not yet valid", sign("future", &future)?, |r| {
            refused(r, |m| matches!(m, Rifiuto::NonAncoraValido { .. }))
        }),
        (
            "a CA outside the trust store",
            sign("stranger", &stranger)?,
            |r| {
                matches!(
                    r.esito,
                    Esito::InRevisione {
                        motivo: Revisione::CertificatoreNonInElenco
                    }
                )
            },
        ),
        (
            "another engineer under an unknown CA",
            sign("stranger-other", &stranger_other)?,
            |r| refused(r, |m| matches!(m, Rifiuto::AltroFirmatario { .. })),
        ),
        (
            "not the issued contract",
            cades(
                &w.pki,
                "otherdoc",
                &contract("B-2"),
                &[&good],
                &Signing::default(),
            )?,
            |r| refused(r, |m| *m == Rifiuto::AltroDocumento),
        ),
        (
            "a detached signature",
            detached(&w.pki, "detached", &w.contract, &good)?,
            |r| refused(r, |m| *m == Rifiuto::Danneggiato),
        ),
        (
            "a PDF without a signature (a scan)",
            w.contract.clone(),
            |r| {
                matches!(
                    r.esito,
                    Esito::InRevisione {
                        motivo: Revisione::SenzaFirmaDigitale
                    }
                )
            },
        ),
        (
            "a PDF with JavaScript",
            [
                &w.contract[..],
                b"4 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n",
            ]
            .concat(),
            |r| refused(r, |m| *m == Rifiuto::ContenutoAttivo),
        ),
        (
            "a PDF with an embedded file",
            [
                &w.contract[..],
                b"5 0 obj << /Type /EmbeddedFile >> endobj\n",
            ]
            .concat(),
            |r| refused(r, |m| *m == Rifiuto::ContenutoAttivo),
        ),
        (
            "over 10 MB",
            vec![0x30; shared::firma::MAX_BYTES + 1],
            |r| refused(r, |m| *m == Rifiuto::TroppoGrande),
        ),
        ("empty", Vec::new(), |r| {
            refused(r, |m| *m == Rifiuto::NonFirmato)
        }),
        ("a text file", b"Firmato: Mario Rossi".to_vec(), |r| {
            refused(r, |m| *m == Rifiuto::NonFirmato)
        }),
    ];
    // The revocation counts once the store has the CA's CRL; before, the store knows
    // nothing of it (and the CRL is checked to be the CA's).
    let revoked_file = sign("revoked", &revoked)?;
    ensure!(accepted(&w.verify(&revoked_file)), "no CRL yet");
    trust.add_crl(&crl)?;
    let referto = verifica(
        &revoked_file,
        &Verifica {
            titolare: &w.holder,
            emessi: &[Sha256::digest(&w.contract).into()],
            fiducia: &trust,
            al: Utc::now(),
        },
    );
    ensure!(
        refused(&referto, |m| matches!(m, Rifiuto::Revocato { .. })),
        "revoked: {referto:?}"
    );
    ensure!(
        referto.esito.to_string_it().contains("revocato"),
        "{referto:?}"
    );
    // A good signer's file, judged with the CRL current (accepted), then after its
    // nextUpdate (30 days): revocations since are unknown, so review, not acceptance.
    let good_file = sign(
        "good-with-crl",
        &w.pki.signer(&w.root, "good-with-crl", &p)?,
    )?;
    let at = |al| {
        verifica(
            &good_file,
            &Verifica {
                titolare: &w.holder,
                emessi: &[Sha256::digest(&w.contract).into()],
                fiducia: &trust,
                al,
            },
        )
    };
    ensure!(accepted(&at(Utc::now())), "a current CRL");
    let stale = at(Utc::now() + chrono::Duration::days(31));
    ensure!(
        in_review(&stale, Revisione::RevocaNonVerificabile),
        "{stale:?}"
    );

    for (what, file, expected) in &checks {
        let referto = w.verify(file);
        ensure!(expected(&referto), "{what}: {referto:?}");
    }
    Ok(())
}

trait InItalian {
    fn to_string_it(&self) -> String;
}

impl InItalian for Esito {
    fn to_string_it(&self) -> String {
        match self {
            Esito::Verificato => "verificato".to_owned(),
            Esito::InRevisione { motivo } => motivo.to_string(),
            Esito::Rifiutato { motivo } => motivo.to_string(),
        }
    }
}

/// The contract the server issues, as PDF/A, signed by `openssl` as CAdES and as a PDF
/// signature: the first accepted, the second to review (PAdES is never accepted alone).
#[test]
fn the_issued_contract_signed_by_an_independent_tool_is_accepted() -> Result<()> {
    let mut w = World::new("issued")?;
    w.contract = issued_contract(&w.holder)?;
    let rsa = w.pki.signer(&w.root, "rsa", &w.holder_profile())?;
    let ec = w.pki.signer(
        &w.root,
        "ec",
        &Profile {
            key: "ec:P-256",
            ..w.holder_profile()
        },
    )?;
    for signer in [&rsa, &ec] {
        let p7m = cades(
            &w.pki,
            "issued",
            &w.contract,
            &[signer],
            &Signing::default(),
        )?;
        let referto = w.verify(&p7m);
        ensure!(accepted(&referto), "{referto:?}");
        ensure!(openssl_verifies(&w.pki, &p7m, &w.root)?);
        let signed_pdf = pades(&w.pki, &w.contract, signer)?;
        let referto = w.verify(&signed_pdf);
        ensure!(accepted(&referto), "{referto:?}");
    }
    Ok(())
}

/// The issued contract signed by pyHanko as PAdES: the holder's invisible signature is
/// accepted, a visible one goes to review (its appearance is drawn on the page), a
/// colleague's is refused, a byte changed in the signed revision is refused, a revision
/// added after it says so.
#[test]
fn the_issued_contract_signed_by_pyhanko_is_read_as_a_pdf_signature() -> Result<()> {
    let mut w = World::new("pyhanko")?;
    w.contract = issued_contract(&w.holder)?;
    let own = w.pki.signer(&w.root, "own", &w.holder_profile())?;
    let colleague = w.pki.signer(
        &w.root,
        "colleague",
        &Profile {
            serial_number: Some(format!("TINIT-{OTHER}")),
            ..Profile::default()
        },
    )?;
    let signed = pyhanko(&w.pki, "own", &w.contract, &own)?;
    let referto = w.verify(&signed);
    ensure!(accepted(&referto), "{referto:?}");
    ensure!(referto.firmatari[0].codice_fiscale.as_deref() == Some(HOLDER));

    let visible = pyhanko_field(
        &w.pki,
        "visible",
        &w.contract,
        &own,
        "1/72,72,300,140/Firma",
    )?;
    let referto = w.verify(&visible);
    ensure!(in_review(&referto, Revisione::FirmaPdf), "{referto:?}");
    ensure!(
        referto.documento_sha256.is_some(),
        "the issued revision is found"
    );

    let referto = w.verify(&pyhanko(&w.pki, "colleague", &w.contract, &colleague)?);
    ensure!(
        refused(&referto, |m| matches!(m, Rifiuto::AltroFirmatario { .. })),
        "{referto:?}"
    );

    let mut altered = signed.clone();
    let at = find(&altered, b"/Title").expect("the catalog's metadata");
    altered[at + 1] = b't';
    let referto = w.verify(&altered);
    ensure!(
        refused(&referto, |m| *m == Rifiuto::Alterato),
        "{referto:?}"
    );

    let later = pyhanko(&w.pki, "twice", &signed, &colleague)?;
    let referto = w.verify(&later);
    ensure!(!accepted(&referto), "{referto:?}");

    // The attack: a page of the contract redrawn inside the very update the holder
    // signs. Every signature check holds; the update's check sends it to review.
    let redrawn = first_page_update(&w.contract, "Il titolare non paga nulla", true)?;
    let referto = w.verify(&pades_with(&w.pki, &w.contract, &redrawn, &own)?);
    ensure!(in_review(&referto, Revisione::FirmaPdf), "{referto:?}");
    // The same update with the page written again unchanged (the new stream drawn
    // nowhere): only signs, so the review above is for the redrawn page.
    let rewritten = first_page_update(&w.contract, "Il titolare non paga nulla", false)?;
    let referto = w.verify(&pades_with(&w.pki, &w.contract, &rewritten, &own)?);
    ensure!(accepted(&referto), "{referto:?}");
    Ok(())
}

/// The objects of an update that writes `contract`'s first page again, pointing it at a
/// new content stream saying `text` when `redraw`.
fn first_page_update(contract: &[u8], text: &str, redraw: bool) -> Result<Vec<(u32, String)>> {
    let source = String::from_utf8_lossy(contract);
    let page = source.find("/Type/Page/").context("a page")?;
    let obj = source[..page].rfind(" 0 obj").context("its object")?;
    let id_start = source[..obj].rfind('\n').map_or(0, |i| i + 1);
    let id: u32 = source[id_start..obj].parse()?;
    let end = page + source[page..].find("endobj").context("its end")?;
    let dict = source[obj + " 0 obj".len()..end].trim();
    let contents_at = dict.find("/Contents ").context("its contents")?;
    let old_ref: String = dict[contents_at + 10..]
        .chars()
        .take_while(|c| *c != '/' && *c != '>')
        .collect();
    let page = if redraw {
        dict.replacen(&format!("/Contents {old_ref}"), "/Contents 9000 0 R", 1)
    } else {
        dict.to_owned()
    };
    let stream = format!("BT /f0 24 Tf 72 700 Td ({text}) Tj ET");
    Ok(vec![
        (id, page),
        (
            9000,
            format!("<</Length {}>>stream\n{stream}\nendstream", stream.len()),
        ),
    ])
}

/// Hundreds of broken and forged files from good ones: none is accepted, none panics.
#[test]
fn no_hostile_file_is_accepted() -> Result<()> {
    let w = World::new("hostile")?;
    let rsa = w.pki.signer(&w.root, "rsa", &w.holder_profile())?;
    let ec = w.pki.signer(
        &w.root,
        "ec",
        &Profile {
            key: "ec:P-256",
            ..w.holder_profile()
        },
    )?;
    // Each file, and whether its refusal must say the document was changed (else any
    // refusal or review will do, but not acceptance).
    let mut hostile: Vec<(String, Vec<u8>)> = Vec::new();
    let mut altered: Vec<(String, Vec<u8>)> = Vec::new();
    for (signer, how, name) in [
        (&rsa, Signing::default(), "rsa"),
        (&ec, Signing::default(), "ec"),
        (
            &rsa,
            Signing {
                encoding: Encoding::Ber,
                ..Signing::default()
            },
            "ber",
        ),
    ] {
        let good = cades(&w.pki, name, &w.contract, &[signer], &how)?;
        ensure!(accepted(&w.verify(&good)), "{name} is good");
        ensure!(
            openssl_verifies(&w.pki, &good, &w.root)?,
            "openssl verifies {name}"
        );
        // Truncated anywhere.
        for i in 0..40 {
            let end = good.len() * i / 40;
            hostile.push((format!("{name} cut at {end}"), good[..end].to_vec()));
        }
        // One bit of the signed document changed.
        let start = find(&good, &w.contract).expect("the content is in the file");
        for i in 0..25 {
            let at = start + w.contract.len() * i / 25;
            let mut file = good.clone();
            file[at] ^= 0x01;
            altered.push((format!("{name} content bit at {at}"), file));
        }
        // One bit of the signature value (the file's last bytes).
        for i in 1..=12 {
            let mut file = good.clone();
            let at = file.len() - i * 4;
            file[at] ^= 0x80;
            hostile.push((format!("{name} signature bit at {at}"), file));
        }
    }
    // Another document put in place of the contract, the signature left as it was.
    let good = cades(&w.pki, "swap", &w.contract, &[&rsa], &Signing::default())?;
    let start = find(&good, &w.contract).expect("content");
    let mut swapped = good.clone();
    let forged = w
        .contract
        .iter()
        .map(|b| if *b == b'A' { b'B' } else { *b })
        .collect::<Vec<_>>();
    swapped[start..start + forged.len()].copy_from_slice(&forged);
    altered.push(("content swapped".into(), swapped));
    // Garbage, and garbage that starts like DER or PDF.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for size in [1usize, 2, 16, 100, 1000, 5000] {
        for prefix in [
            &b""[..],
            &[0x30, 0x82][..],
            b"%PDF-1.7\n",
            b"-----BEGIN PKCS7-----\n",
        ] {
            let mut file = prefix.to_vec();
            file.extend((0..size).map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            }));
            hostile.push((format!("garbage {size} after {prefix:?}"), file));
        }
    }
    ensure!(
        hostile.len() + altered.len() >= 200,
        "{} hostile files",
        hostile.len()
    );
    let mut wrongly_accepted = Vec::new();
    for (what, file) in &hostile {
        let referto = w.verify(file);
        if accepted(&referto) {
            wrongly_accepted.push(what.clone());
        }
    }
    for (what, file) in &altered {
        let referto = w.verify(file);
        if accepted(&referto) {
            wrongly_accepted.push(what.clone());
        }
        ensure!(
            refused(&referto, |m| *m == Rifiuto::Alterato),
            "{what}: {referto:?}"
        );
    }
    ensure!(
        wrongly_accepted.is_empty(),
        "{} of {} hostile files accepted: {wrongly_accepted:?}",
        wrongly_accepted.len(),
        hostile.len() + altered.len()
    );
    Ok(())
}

/// A PAdES signature made the way a signing program makes one: an incremental update with
/// a signature dictionary whose /Contents hold a detached CMS over the /ByteRange.
#[test]
fn a_signed_pdf_is_accepted_only_when_its_signature_holds_and_only_signs() -> Result<()> {
    let w = World::new("pades")?;
    let rsa = w.pki.signer(&w.root, "rsa", &w.holder_profile())?;
    let other = w.pki.signer(
        &w.root,
        "other",
        &Profile {
            serial_number: Some(format!("TINIT-{OTHER}")),
            ..w.holder_profile()
        },
    )?;

    let good = pades(&w.pki, &w.contract, &rsa)?;
    let referto = w.verify(&good);
    ensure!(accepted(&referto), "{referto:?}");
    ensure!(referto.firmatari[0].codice_fiscale.as_deref() == Some(HOLDER));

    // A page added to the contract in the signed update.
    let stream = "BT (Il titolare non paga nulla) Tj ET";
    let added = [
        (2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned()),
        (
            3,
            "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_owned(),
        ),
        (
            4,
            format!("<< /Length {} >>stream\n{stream}\nendstream", stream.len()),
        ),
    ];
    let referto = w.verify(&pades_with(&w.pki, &w.contract, &added, &rsa)?);
    ensure!(in_review(&referto, Revisione::FirmaPdf), "{referto:?}");

    let referto = w.verify(&pades(&w.pki, &w.contract, &other)?);
    ensure!(
        refused(&referto, |m| matches!(m, Rifiuto::AltroFirmatario { .. })),
        "{referto:?}"
    );

    let referto = w.verify(&pades(&w.pki, &contract("B-2"), &rsa)?);
    ensure!(
        refused(&referto, |m| *m == Rifiuto::AltroDocumento),
        "{referto:?}"
    );

    // A page redrawn in the signed range after signing.
    let mut altered = good.clone();
    let at = find(&altered, b"accetta").expect("text");
    altered[at..at + 7].copy_from_slice(b"rifiuta");
    let referto = w.verify(&altered);
    ensure!(
        refused(&referto, |m| *m == Rifiuto::Alterato),
        "{referto:?}"
    );

    // An update appended after the signature.
    let later = [&good[..], b"6 0 obj << /Type /Page >> endobj\n%%EOF\n"].concat();
    let referto = w.verify(&later);
    ensure!(
        in_review(&referto, Revisione::ModificheDopoLaFirma),
        "{referto:?}"
    );

    // A /ByteRange that leaves bytes out.
    let text = String::from_utf8_lossy(&good).into_owned();
    let range_at = text.find("/ByteRange [0 ").expect("range");
    let mut skewed = good.clone();
    skewed[range_at + 14] = b'1';
    let referto = w.verify(&skewed);
    ensure!(
        !accepted(&referto) && !matches!(referto.esito, Esito::InRevisione { .. }),
        "{referto:?}"
    );
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
