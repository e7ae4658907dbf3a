//! Notices through Amazon SES (API v2), from the official sender. SES has no idempotency
//! key: a crash between SES accepting a notice and the outbox recording it sends that
//! notice twice, which for a reminder is the lesser harm than losing it.

use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::SdkError;
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

use super::{MailError, Mailer, Notice};

pub struct SesMailer {
    client: Client,
    from: String,
}

impl SesMailer {
    /// `from` must already be checked with [`super::official_sender`].
    pub fn new(client: Client, from: String) -> Self {
        Self { client, from }
    }
}

fn utf8(text: &str) -> Result<Content, MailError> {
    Content::builder()
        .data(text)
        .charset("UTF-8")
        .build()
        .map_err(|e| MailError::Refused(e.to_string()))
}

fn classify(e: SdkError<SendEmailError>) -> MailError {
    let text = aws_sdk_sesv2::error::DisplayErrorContext(&e).to_string();
    match e.as_service_error() {
        Some(
            SendEmailError::MessageRejected(_)
            | SendEmailError::MailFromDomainNotVerifiedException(_)
            | SendEmailError::BadRequestException(_)
            | SendEmailError::NotFoundException(_)
            | SendEmailError::AccountSuspendedException(_),
        ) => MailError::Refused(text),
        // Throttling, a paused account, timeouts, 5xx: later may work.
        _ => MailError::Unavailable(text),
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, id: &str, notice: &Notice) -> Result<(), MailError> {
        let message = Message::builder()
            .subject(utf8(&notice.subject)?)
            .body(Body::builder().text(utf8(&notice.body)?).build())
            .build();
        let output = self
            .client
            .send_email()
            .from_email_address(&self.from)
            .destination(
                Destination::builder()
                    .set_to_addresses(Some(notice.to.clone()))
                    .build(),
            )
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(classify)?;
        tracing::info!(id, message_id = ?output.message_id(), "notice sent");
        Ok(())
    }
}
