// The lesson 01 question bank: what TLS gives, the handshake, certificates and the chain of
// trust, SSL vs TLS, and what switching verification off costs. Question ids and option
// ids ("a".."d") are stable: learners' answers.json files refer to them. On screen the
// asker shuffles the options; in the file and the README they keep their letters.

export type OptionId = "a" | "b" | "c" | "d";

export interface Option {
  id: OptionId;
  /** Short enough for one terminal line (the asker shows it after a 2-character cursor). */
  text: string;
  correct?: true;
  /** For a wrong option: why it is wrong and what to think about, without giving the answer away. */
  explanation?: string;
}

export interface Question {
  /** Stable and readable, e.g. "q01-three-properties": the key in answers.json. */
  id: string;
  /** The check's name in the report. */
  title: string;
  prompt: string;
  /** Shown with a wrong answer: why this idea matters. */
  why: string;
  options: Option[];
}

export const QUESTIONS: readonly Question[] = [
  {
    id: "q01-three-properties",
    title: "the three properties TLS adds to a connection",
    prompt: "Plain TCP delivers your bytes as they are. Which three properties does TLS add on top?",
    why: "Each property answers a different attack (reading, impersonating, tampering); knowing which is which tells you what you lose when one piece is switched off.",
    options: [
      {
        id: "a",
        text: "Speed, compression and guaranteed delivery",
        explanation:
          "Delivery in order and without loss is TCP's job, and TLS runs on top of TCP; it makes nothing faster. Think about what an attacker on the network could do to plain TCP bytes: read them, alter them, or pretend to be the server.",
      },
      {
        id: "b",
        text: "Anonymity, availability and encryption",
        explanation:
          "TLS does not hide which site you visit (the name you ask for travels in the clear, in SNI) and it cannot keep a server reachable. Encryption is one part of the story; ask what else an attacker on the path could do besides reading.",
      },
      { id: "c", text: "Confidentiality, authentication of the server, and integrity", correct: true },
      {
        id: "d",
        text: "Only encryption; everything else already comes from TCP",
        explanation:
          "TCP has no idea who is at the other end, and its checksum catches accidents, not an attacker who simply recomputes it. Encryption hides the bytes but says nothing about who receives them or whether they were changed on the way.",
      },
    ],
  },
  {
    id: "q02-hiding-the-data",
    title: "what stops an eavesdropper from reading",
    prompt: "On café wifi, someone records every packet of your HTTPS session. What keeps them from reading your password?",
    why: "Confidentiality is what people expect from the padlock; it comes from keys that only the two ends hold, and it is worth nothing if the other end is the wrong party.",
    options: [
      { id: "a", text: "Encryption with keys agreed in the handshake, never sent on the wire", correct: true },
      {
        id: "b",
        text: "The server's certificate, which scrambles the traffic",
        explanation:
          "A certificate is public: the server hands it to anyone who connects, and its job is to say who the server is, not to hide data. Something the recorder can see cannot be what stops the recorder; think about what the two ends have that never crosses the network.",
      },
      {
        id: "c",
        text: "The integrity check attached to every record",
        explanation:
          "An integrity check tells the receiver whether a record was changed; it does not hide what the record says. Hiding the contents and detecting changes are two different jobs.",
      },
      {
        id: "d",
        text: "The wifi password (WPA2) protects the traffic, not TLS",
        explanation:
          "Wifi encryption covers only the hop between your laptop and the access point. Whoever runs that access point, and every network after it, sees what the wifi delivers. The protection has to go end to end, from your program to the server.",
      },
    ],
  },
  {
    id: "q03-proving-identity",
    title: "how the client knows which server answered",
    prompt: "How does your client know it is really talking to api.example.com and not an impostor?",
    why: "Authentication is what makes the encryption worth having: without it you may be encrypting carefully for an attacker.",
    options: [
      {
        id: "a",
        text: "DNS returned the right IP address for api.example.com",
        explanation:
          "DNS answers can be forged, and anyone on the path can intercept packets sent to the right address. An address says where packets go, not who answers them. Look for something an impostor cannot produce.",
      },
      {
        id: "b",
        text: "The connection is encrypted, so it must be the real server",
        explanation:
          "An impostor encrypts just as well as the real server: encryption only means nobody else can read what you exchange with whoever answered. Ask what proves who that party is.",
      },
      {
        id: "c",
        text: "The server announces its name in its first reply",
        explanation:
          "Anyone can claim any name. A claim proves nothing unless someone you already trust vouches for it, and the server shows it holds a secret that goes with that voucher.",
      },
      { id: "d", text: "A CA-signed certificate for that name, plus proof the server holds its key", correct: true },
    ],
  },
  {
    id: "q04-tampering",
    title: "what happens when a record is altered",
    prompt: "An attacker on the path flips a few bits inside an encrypted TLS record. What happens?",
    why: "Integrity means an attacker cannot change what you receive, not even blindly: a changed record ends the connection instead of reaching your code.",
    options: [
      {
        id: "a",
        text: "The record decrypts to garbage, which your program receives as data",
        explanation:
          "That is what encryption alone would give you. TLS adds a check to every record, so an altered record never reaches your program. Which of the three properties covers changes made in transit?",
      },
      { id: "b", text: "The record's authentication tag no longer matches: the connection ends", correct: true },
      {
        id: "c",
        text: "TCP's checksum catches it and the packet is sent again",
        explanation:
          "TCP's checksum uses no secret: an attacker who changes bytes recomputes it and TCP is satisfied. A check that stops an attacker must depend on keys the attacker does not have.",
      },
      {
        id: "d",
        text: "Nothing can notice it once the data is encrypted",
        explanation:
          "Encrypted data can carry a check value computed with the session keys, and TLS attaches one to every record. That is exactly what the integrity property is about.",
      },
    ],
  },
  {
    id: "q05-certificate-checks",
    title: "what a client checks in a server certificate",
    prompt: "Before trusting a server's certificate, what does a verifying client check?",
    why: "These checks turn a certificate from a claim into a proof; skip one and an attacker only has to fake that part.",
    options: [
      {
        id: "a",
        text: "That the server sent a certificate at all",
        explanation:
          "Anyone can make a certificate for any name in a second (lesson 4 has you make one). Having one proves nothing: what matters is who signed it, which name it carries, and when it is valid.",
      },
      { id: "b", text: "It chains to a trusted root, names the host, is in date and not revoked", correct: true },
      {
        id: "c",
        text: "That it has a strong key and the server speaks the newest TLS",
        explanation:
          "A strong key in a certificate that nobody you trust signed, or that was issued for another name, is still an impostor's certificate. Think about who vouches for it, for which name, and for how long.",
      },
      {
        id: "d",
        text: "Only that it names the host you asked for",
        explanation:
          "The name matters, but anyone can write any name into a certificate they make themselves. The name means something only when a CA you trust signed it, and only while the certificate is in date.",
      },
    ],
  },
  {
    id: "q06-wrong-name",
    title: "a trusted certificate issued for another name",
    prompt:
      "You connect to shop.example.com. The server presents an unexpired certificate signed by a trusted CA, but issued for mail.example.org. What should your Node client do?",
    why: "The name check ties the certificate to the server you meant. Node runs it for you against servername; a checkServerIdentity that skips it reopens the door.",
    options: [
      {
        id: "a",
        text: "Accept it: a trusted CA signed it, so the server is honest",
        explanation:
          "The CA vouches that the key belongs to mail.example.org, nothing more. Whoever holds that certificate can show it anywhere, so a genuine certificate for another name is just what an impostor would present.",
      },
      {
        id: "b",
        text: "Accept it, but log a warning",
        explanation:
          "A warning nobody reads changes nothing: the request still goes to a server that has not proved it is shop.example.com. A name mismatch is a failed check like any other.",
      },
      {
        id: "c",
        text: "Accept it if both names resolve to the same IP address",
        explanation:
          "Addresses prove nothing about identity: DNS answers can be forged, and many unrelated sites share one address. The certificate itself has to name the host you asked for.",
      },
      { id: "d", text: "Refuse it: ERR_TLS_CERT_ALTNAME_INVALID, the name check failed", correct: true },
    ],
  },
  {
    id: "q07-handshake-order",
    title: "the order of the handshake",
    prompt: "In the simplified handshake drawn in this lesson, which order is right?",
    why: "Verification sits before any application data; that is why a Node client waits for 'secureConnect' before it writes.",
    options: [
      {
        id: "a",
        text: "ClientHello → key exchange → encrypted data → certificate checked later",
        explanation:
          "If the certificate were checked only after data flowed, your request (with its cookies or password) could already be with an impostor. The certificate must be checked before the first byte of application data.",
      },
      {
        id: "b",
        text: "ServerHello + certificate → ClientHello → key exchange → encrypted data",
        explanation:
          "The server does not speak first: it needs to hear which versions and ciphers the client supports, and which host name it wants (SNI), before it can pick its settings and its certificate.",
      },
      { id: "c", text: "ClientHello → ServerHello + certificate → verify → key exchange → data", correct: true },
      {
        id: "d",
        text: "ClientHello → ServerHello + certificate → encrypted data → verify",
        explanation:
          "Sending data before verifying means sending it to whoever answered. In Node, 'secureConnect' fires only after the certificate has passed, which is why you write your request there.",
      },
    ],
  },
  {
    id: "q08-secure-connect",
    title: "the Node event that means verified and ready",
    prompt: "Which event tells your Node client that the TLS handshake finished and the certificate passed verification?",
    why: "Anything written before verification finished would go to a server that has not yet proved who it is.",
    options: [
      { id: "a", text: "'secureConnect' on the socket that tls.connect returned", correct: true },
      {
        id: "b",
        text: "'connect', as with a plain net.Socket",
        explanation:
          "'connect' is about TCP: it means the TCP connection is up, before the TLS handshake has even begun, so no certificate has been seen yet.",
      },
      {
        id: "c",
        text: "'data', when the first bytes from the server arrive",
        explanation:
          "Handshake messages are consumed by Node's TLS layer and never appear as 'data'. The first 'data' is the server's reply to your request, and an HTTP server sends nothing until you have asked.",
      },
      {
        id: "d",
        text: "'lookup', once the host name has been resolved",
        explanation:
          "'lookup' fires when DNS has answered, before any connection exists. No certificate has been checked at that point.",
      },
    ],
  },
  {
    id: "q09-chain-of-trust",
    title: "the chain of trust",
    prompt: "A server sends its own certificate (the leaf) and an intermediate CA certificate. Why does your Node client trust the leaf?",
    why: "A client cannot know every server in advance; it knows a few roots and follows signatures down from them. That is why a missing intermediate or an unknown root is refused.",
    options: [
      {
        id: "a",
        text: "It trusts any chain that ends in a root, as long as the server sends it",
        explanation:
          "If a root were trusted because the server sent it, an attacker would simply send their own. A root counts only if it was in the client's trust store before the connection started (Node ships its own list).",
      },
      {
        id: "b",
        text: "The leaf signed the intermediate, and the intermediate signed the root",
        explanation:
          "The signatures run downwards: each certificate is signed by the one above it. Start from the certificate the client already holds and follow the signatures to the server's.",
      },
      {
        id: "c",
        text: "It looks the leaf up in a public registry during the connection",
        explanation:
          "Trust does not come from a lookup during the handshake; it comes from signatures the client checks itself. (Public logs of issued certificates do exist, for auditing CAs, but they are not this check.)",
      },
      { id: "d", text: "A root it already holds signed the intermediate, which signed the leaf", correct: true },
    ],
  },
  {
    id: "q10-your-domain",
    title: "why nobody can get a trusted certificate for your domain",
    prompt: "Why can't an attacker simply get a trusted certificate for your bank's domain?",
    why: "The whole system rests on CAs refusing to sign a name for anyone who does not control it; that is what makes a valid chain mean something.",
    options: [
      {
        id: "a",
        text: "The bank's certificate is secret, so it cannot be copied",
        explanation:
          "The certificate is public: the bank sends it to every visitor. What stays secret is the private key that goes with it, and a copied certificate is useless without that key. The question is why an attacker cannot get one of their own.",
      },
      { id: "b", text: "Trusted CAs sign a name only for someone who proves control of it", correct: true },
      {
        id: "c",
        text: "Only the bank's own server software can create its certificate",
        explanation:
          "Anyone can create a certificate for any name with a few lines of code; you will in lesson 4. What an attacker cannot do is get it signed by a CA that is in your trust store.",
      },
      {
        id: "d",
        text: "It is illegal, and that is what stops it happening",
        explanation:
          "Laws do not stop attackers; the system has to. Think about why a certificate the attacker made themselves is refused, and what a CA asks for before it signs.",
      },
    ],
  },
  {
    id: "q11-ssl-vs-tls",
    title: "SSL and TLS",
    prompt: 'People still say "SSL certificate". How are SSL and TLS related?',
    why: "Node, OpenSSL and many guides use both words; knowing that only TLS 1.2 and 1.3 are acceptable today lets you spot outdated advice.",
    options: [
      {
        id: "a",
        text: "SSL is the newer, stronger successor of TLS",
        explanation:
          "It is the other way round: SSL came first, in the 1990s, and every version of it is broken. Only its name survives, in phrases like \"SSL certificate\" and in OpenSSL.",
      },
      {
        id: "b",
        text: "Two layers used together: SSL encrypts and TLS authenticates",
        explanation:
          "There is one protocol, not two layers: the same handshake gives confidentiality, authentication and integrity. The two names belong to different generations of it.",
      },
      { id: "c", text: "TLS replaced SSL; SSL is obsolete, though its name lives on", correct: true },
      {
        id: "d",
        text: "SSL is for websites, TLS for email and other protocols",
        explanation:
          "HTTPS, mail, databases and your own sockets all use the same protocol. The name changed between versions, not between uses.",
      },
    ],
  },
  {
    id: "q12-verification-off",
    title: "what turning verification off keeps and loses",
    prompt: "A tutorial adds rejectUnauthorized: false to make a certificate error go away. What does the connection keep, and what does it lose?",
    why: "On public wifi or behind a forged DNS answer, a client that accepts any certificate builds a flawless encrypted channel to the attacker, who reads everything and passes it on.",
    options: [
      { id: "a", text: "It stays encrypted, but no longer proves who is on the other end", correct: true },
      {
        id: "b",
        text: "It falls back to plain text, so anyone can read it",
        explanation:
          "The handshake still agrees on keys and every record is still encrypted and checked. What disappears is the proof of identity, so the carefully protected bytes may be going to an attacker.",
      },
      {
        id: "c",
        text: "It loses nothing important; it only silences a warning",
        explanation:
          "That \"warning\" was the client refusing a certificate it could not verify. With the switch, any certificate at all is accepted, including one an attacker made a minute ago.",
      },
      {
        id: "d",
        text: "It skips only the expiry check; chain and name are still checked",
        explanation:
          "The switch accepts every certificate: expired, self-signed, from an unknown root or for another name. Node records the reason it would have refused in socket.authorizationError and connects anyway.",
      },
    ],
  },
  {
    id: "q13-self-signed-lab",
    title: "trusting a self-signed lab server",
    prompt: "Your lab server uses a self-signed certificate, and tls.connect fails with DEPTH_ZERO_SELF_SIGNED_CERT. What is the right fix?",
    why: "Trusting exactly one certificate keeps every check working: only your server's certificate is accepted, for the name in it and within its dates.",
    options: [
      {
        id: "a",
        text: "rejectUnauthorized: false, only while developing",
        explanation:
          "Code written \"only for development\" has a way of shipping, and even on your laptop it accepts any certificate from anyone on the network. There is a way to make this one server work without giving up any check.",
      },
      {
        id: "b",
        text: "NODE_TLS_REJECT_UNAUTHORIZED=0 in the npm script",
        explanation:
          "That switches verification off for every connection the process makes, not only this one; Node even prints a warning about it. You want to add trust in one certificate, not remove every check.",
      },
      {
        id: "c",
        text: "Catch the error and retry with verification switched off",
        explanation:
          "A fallback that drops verification whenever it fails is the same as having none: an attacker only has to make the first attempt fail. Keep the check, and give it what it needs to succeed.",
      },
      { id: "d", text: "Pass that certificate as ca to tls.connect and keep verification on", correct: true },
    ],
  },
];

export const OPTION_IDS: readonly OptionId[] = ["a", "b", "c", "d"];

export function correctOption(q: Question): Option {
  return q.options.find((o) => o.correct)!;
}

export function findQuestion(id: string): Question | undefined {
  return QUESTIONS.find((q) => q.id === id);
}

/** Keys starting with "_" are the learner's (or the stub's) notes, never graded. */
export const isNoteKey = (key: string) => key.startsWith("_");

export type AnswerState =
  | { kind: "right"; option: Option }
  | { kind: "wrong"; option: Option }
  | { kind: "unanswered" }
  | { kind: "invalid"; value: unknown };

/** "b", "B", " b ", "b)", "(b)" and "b." all mean option b: honest spellings are accepted. */
export function normalizeOptionId(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^\(?\s*([a-z])\s*[).]?$/i.exec(value.trim());
  return m ? m[1].toLowerCase() : undefined;
}

export function answerState(q: Question, value: unknown): AnswerState {
  if (value === null || value === undefined || (typeof value === "string" && value.trim() === "")) return { kind: "unanswered" };
  const id = normalizeOptionId(value);
  const option = q.options.find((o) => o.id === id);
  if (!option) return { kind: "invalid", value };
  return option.correct ? { kind: "right", option } : { kind: "wrong", option };
}

/** Parses an answers file's text; throws SyntaxError (from JSON.parse) or a TypeError when it is not one object. */
export function parseAnswers(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ""));
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TypeError("not a JSON object");
  return value as Record<string, unknown>;
}
