// Wrong: returns fixed values copied from one run of the lab, without connecting at all.
export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  void host;
  void port;
  void path;
  return { tlsVersion: "TLSv1.3", issuedTo: "good.lab.test", response: "HTTP/1.1 200 OK" };
}
