// Lesson 02 · A verified TLS client
// Style: a small class that owns the socket, with methods as event handlers and a single
// settle point; the exported function just runs one instance.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

class VerifiedGet {
  private socket?: tls.TLSSocket;
  private readonly chunks: Buffer[] = [];
  private tlsVersion = "";
  private issuedTo = "";
  private secured = false;
  private done = false;
  private resolve!: (r: TlsGetResult) => void;
  private reject!: (e: Error) => void;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly path: string,
    private readonly timeoutMs = 10_000,
  ) {}

  run(): Promise<TlsGetResult> {
    return new Promise<TlsGetResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      const socket = tls.connect({ host: this.host, port: this.port, servername: this.host });
      this.socket = socket;
      socket.setTimeout(this.timeoutMs, () => socket.destroy(new Error("timed out")));
      socket.once("secureConnect", () => this.onSecure());
      socket.on("data", (chunk: Buffer) => this.chunks.push(chunk));
      socket.once("end", () => this.onEnd());
      socket.once("error", (err) => this.fail(err));
    });
  }

  private get request(): string {
    return `GET ${this.path} HTTP/1.1\r\n` + `Host: ${this.host}\r\n` + "Connection: close\r\n" + "\r\n";
  }

  private onSecure(): void {
    const socket = this.socket!;
    this.secured = true;
    this.tlsVersion = socket.getProtocol() ?? "";
    const cn = socket.getPeerCertificate().subject?.CN;
    this.issuedTo = VerifiedGet.plain(cn);
    socket.write(this.request);
  }

  private onEnd(): void {
    if (!this.secured) {
      this.fail(new Error("connection closed before the TLS handshake finished"));
      return;
    }
    if (this.done) return;
    this.done = true;
    this.resolve({
      tlsVersion: this.tlsVersion,
      issuedTo: this.issuedTo,
      response: Buffer.concat(this.chunks).toString("utf8"),
    });
  }

  private fail(err: Error): void {
    this.socket?.destroy();
    if (this.done) return;
    this.done = true;
    this.reject(err);
  }

  static plain(cn: string | string[] | undefined): string {
    if (!cn) return "";
    return typeof cn === "string" ? cn : cn.join(", ");
  }
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new VerifiedGet(host, port, path).run();
}
