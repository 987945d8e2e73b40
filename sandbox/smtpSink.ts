import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One e-mail the sink received, as a reader sees it. */
export interface SunkMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  receivedAt: Date;
}

export interface RunningSmtpSink {
  /** What the app's SMTP_URL should be. */
  url: string;
  /** Every e-mail received, oldest first. */
  mails: SunkMail[];
  /** The next `count` e-mails are refused (a 451, as a server in trouble answers), to test retries. */
  refuseNext(count: number): void;
  close(): Promise<void>;
}

/**
 * A local SMTP server that keeps what it is sent (smtp-server and mailparser, from the
 * nodemailer project): the tests' and the demo's stand-in for a mail provider. Plain SMTP on
 * 127.0.0.1, no authentication. An e-mail is in `mails` before the sender hears it was accepted.
 */
export async function startSmtpSink(options: { port?: number; onMail?(mail: SunkMail): void } = {}): Promise<RunningSmtpSink> {
  const mails: SunkMail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refusals > 0) {
        refusals--;
        callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const mail: SunkMail = {
            from: parsed.from?.text ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            receivedAt: new Date(),
          };
          mails.push(mail);
          options.onMail?.(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuseNext(count) {
      refusals = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
