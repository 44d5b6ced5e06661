// Lesson 07's recognisers: the word families of each idea (who attacks, where, what stays,
// what is lost, the switch, the safe way) and the rules that tell a recommendation from a
// warning (negation, concession, quotation, reported speech). Matched sentence by sentence,
// on lower-cased text.

/** Lower case, straight apostrophes, one space: what every pattern below is matched against. */
export const norm = (s: string) => s.toLowerCase().replace(/[’‘´]/g, "'").replace(/\s+/g, " ");

export const NEGATED_BEFORE = /\b(not|never|no|nor|don't|doesn't|didn't|won't|isn't|aren't|wasn't|can't|cannot|neither|myth|misconception|think|thinks|thought|believe|believes|assume|assumes|assuming|wrongly|mistakenly|expect|expects|tempting|contrary|rumou?r|people say|seems?|seemed|appears?|looks?|feels?|sounds?|might|may|if|whether|instead of|rather than)\b|n't\b/;

/** The pattern's first match whose preceding words (same clause) hold no negation or belief. */
export function affirmed(sentence: string, re: RegExp): string | undefined {
  const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
  for (const m of sentence.matchAll(g)) {
    const lead = /^[\s,:;]*/.exec(m[0])![0].length; // a pattern may start at the clause's comma
    const before = sentence.slice(0, m.index + lead).split(/[,;]|\b(but|however|yet|although|though)\b/).filter((x) => x !== undefined).pop() ?? "";
    const window = before.split(" ").slice(-7).join(" ");
    if (!NEGATED_BEFORE.test(window)) return m[0];
  }
  return undefined;
}

export const ENC = /\b(encrypt\w*|scrambl\w*|cipher\w*|padlock|lock icon|hidden|hides?|hiding|conceal\w*|locked|sealed|private(?! keys?\b)|privately|confidential\w*|secret(?! keys?\b)|unreadable)\b/;
export const CONTINUES = /\b(still|remains?|remained|remaining|stays?|stayed|keeps?|kept|keeping|continues?|continuing|intact|untouched|unchanged|unaffected|carries on|goes on|as before|like before|as always|like always|as usual|as normal|just as|exactly like|the same|survives?|in place|not (changed|affected|touched)|(doesn't|does not|won't|will not|didn't) change)\b/;
export const CONTRAST = /\b(but|however|yet|though|although|whereas|while|only)\b/;
export const TO_ANYONE = /\b(to|for|with) (whoever|anyone|anybody|someone|somebody|a stranger|strangers|the wrong|an? (unknown|unverified|attacker|impostor|imposter|stranger)|the (attacker|impostor|imposter|stranger|man in the middle)|any server|a fake)\b/;
export const ENC_TURNED_OFF = /(n't|\bnot|\bnever)\b[^.]{0,30}(\b(turn|switch|shut|disabl|remov|affect|touch|weaken|break|stop|lose)\w*( off)? (the |any |your )?(encrypt\w*|scrambl\w*)|\b(unencrypted|plain ?text|in the clear|cleartext)\b)/;

export const SWITCH_CONTEXT = /\b(flag|option|switch|setting|reject ?unauthori[sz]ed|node_tls_reject_unauthori[sz]ed|verification|verifying|checks?|checking|off)\b/;

/** Says, with verification off, the traffic is no longer encrypted: the misconception. */
export const ENC_GONE = [
  /\b(disabl\w*|turn(s|ed|ing)? off|switch(es|ed|ing)? off|shut(s|ting)? off|remov\w*|drop(s|ped|ping)?|kill(s|ed|ing)?|los(e|es|ing)|lost|skip(s|ped|ping)?|stop(s|ped|ping)?|throw(s|ing)? away|threw away|get(s|ting)? rid of|strip(s|ped|ping)?|switch(es|ed|ing)? off|bypass\w*) (all |the |any |your |its )?(encryption|encrypting)\b/,
  /\b(encryption|encrypting)( is| gets| will be| becomes| has been| goes)? (gone|lost|disabled|removed|turned off|switched off|dropped|off|broken|skipped|stopped|bypassed|away)\b/,
  /\b(without|no|zero|lose|lack of|loss of) (any )?(encryption|encrypting)\b/,
  /\b(not|no longer|isn't|aren't|never|wasn't|won't be|stops? being|ceases? to be) (be |being )?(encrypted|scrambled)\b/,
  /\b(sent|send|sends|sending|travels?|travelling|traveling|go|goes|going|went|transmitted|flows?|moves?|crosses|falls? back to) (\w+ ){0,3}(unencrypted|in plain ?text|in the clear|as plain ?text|as cleartext|in cleartext)\b/,
  /\bno (session )?keys? (are|is|get|gets|will be)? ?(set up|agreed|negotiated|exchanged)\b/,
  /\b(session )?keys? (\w+ ){0,3}(sent|send|sending|transmitted|exchanged|travel\w*|go|goes) (\w+ ){0,2}(unprotected|in the clear|in plain ?text|unencrypted|openly)\b|\b(sending|sends|send) the (session )?keys (\w+ ){0,2}(unprotected|in the clear|in plain ?text|unencrypted|openly)\b/,
  /\b(weaker|no|null|unauthenticated|broken) (cipher|ciphers|cipher suite|encryption)\b[^.]{0,40}\b(used|chosen|negotiated|falls? back|instead)\b/,
  /\b(weaker|weakened|breakable|easier to (break|crack|decrypt)|downgraded)\b[^.]{0,50}\b(encrypt\w*|cipher\w*)\b|\b(encrypt\w*|cipher\w*)\b[^.]{0,60}\b(weaker|weakened|easier to (break|crack|decrypt)|breakable|downgraded)\b/,
  // The other way round: as if encryption never protected anything, verification or not.
  /\b(verification|verified|verifying|checking|the checks?) or not\b|\beven (with|when) (verification|checking|the checks?) (is |are )?(on|enabled|switched on)\b[^.]*\b(read|see|decrypt)\w*/,
  /\b(becomes?|is|are|turns into|becoming) (now |suddenly |completely |totally )?(unencrypted|plain ?text|cleartext)\b/,
];

export const ID = /\b(who|whom|whose|identity|identities|identify\w*|impost[eo]rs?|the (real|right|genuine|actual|intended|true|correct) (server|site|website|host|machine|party|one|bank|service)|authentic\w*|is really|really is|really are|genuine|(the|its|their|your) other (side|end|party|person|machine)|which (server|person|party|machine|computer|side|end|one)|with whom|talking to|talking with|speaking to|connected to|connecting to|belongs? to|belonging to|the (host|server|site|name|machine|one) (you|i|we) (asked|meant|wanted|intended|typed|requested|dialled|dialed|expected)\w*|tell (\w+ ){0,4}apart|issued (for|to))\b/;
export const PROOF = /\b(prov\w*|proof|verif\w*|check\w*|confirm\w*|know\w*|knew|sure|certain\w*|tell|told|guarantee\w*|authenticat\w*|vouch\w*|validat\w*|establish\w*|evidence|vet\w*)\b/;
export const NEG = /\b(no longer|not|never|no|without|nobody|none|nothing|lose|loses|lost|losing|stop|stops|stopped|stopping|turn(s|ed|ing)? off|switch(es|ed|ing)? off|disabl\w*|remov\w*|ceases?|ceased|no more|fails? to|throw(s|ing)? away|threw away|gone|drop(s|ped)?|skip\w*|unverified|unproven|unchecked|unknown|anyone|anybody|whoever|any|can't|cannot|gives? up|away)\b|n't\b/;
export const ID_DIRECT = [
  /\b(unverified|unproven|unknown|unchecked|unauthenticated|unidentified|anonymous|random|unconfirmed) (party|parties|server|servers|peer|stranger|strangers|endpoint|site|machine|side|end|identity|someone|computer|host|person|other side|other end)\b/,
  /\b(anyone|anybody|whoever|any server|any machine|a stranger|strangers|whatever server) (who |that |which )?(is )?(answers?|answered|responds?|responded|replies|replied|picks up|picked up|shows? up|showed up|turns? up|turned up|listening|on the other end|at the other end|sits? in the middle|in the middle|pretends?|claims?)\b/,
  /\b(accept|take|trust|allow|welcome|swallow)(s|ed|ing)? (any|every|whatever|all|anyone's|anybody's|each) (\w+ ){0,2}(cert\w*|server\w*|key|keys|identity|identities)\b/,
  /\b(could|might|may|can) (be|belong to|come from|be run by|be owned by|be with|be talking to|be talking with|be connected to|be going to|go to|end up with|be sending (it|them|data|everything|your \w+) to|lead to|end (up )?(at|with)|reach|point to) (anyone|anybody|anything|a stranger|an attacker|an impostor|an imposter|someone else|somebody else|whoever|any server|any machine)\b/,
  /\bfor all (you|we|it|your \w+) knows?\b/,
  // Impersonation said plainly: someone answering in the server's place.
  /\b(answer\w*|respond\w*|repl(y|ies|ied|ying)|pos(e|es|ed|ing)|pretend\w*|show\w* up|turn\w* up) (\w+ ){0,3}(in place of|instead of|in the place of|as|to be|in the name of) (your|the|a|my) (real |actual |own |genuine )?(server|site|service|bank|api|backend)\b/,
  /\b(the |your |its |a )?(server'?s?|site'?s?|other side'?s?) (id|identity|identities)\b[^.]{0,30}\b(isn't|is not|aren't|never|no longer|not|unchecked|unverified|unproven)\b/,
  /\b(anyone|anybody|someone|somebody|whoever|an? (attacker|impostor|imposter|stranger)|any (server|machine|computer)) (\w+ ){0,2}(can|could|may|might|is able to|would be able to) (\w+ ){0,2}(pretend|claim|pose|masquerade|impersonate|act|play|stand in)\b/,
  /\b(encrypt\w*|scrambl\w*) (\w+ ){0,3}(to|for|with) (whoever|anyone|anybody|someone|somebody|a stranger|an? (unknown|attacker|impostor|imposter|stranger)|the (attacker|impostor|imposter|wrong))\b/,
];

export const ATTACKER = [
  /\b(man|person|machine|monster|meddler|someone|somebody|attacker|adversary|hacker)[- ]in[- ]the[- ]middle\b/,
  /\bmitm\b|\bmiddle ?man\b|\bon-?path (attacker|adversary)\b/,
  /\bimpost[eo]rs?\b|\bimpersonat\w*|\b(pretend\w*|posing|poses?|masquerad\w*|claim\w*) (to be|as)\b/,
  /\b(some(one|body)|anyone|anybody|a stranger|strangers|people|a (guy|person|man|woman|kid)) (else )?(pretending|posing|impersonating|faking|lurking|snooping|listening in)\b/,
  /\b(he|she|they|someone|somebody|the attacker) (is|are|'s|'re|sits?|sat|stands?|gets?|got|puts? (himself|herself|themselves)) (now |then |right )?(in the middle|in between|between (you|your))\b/,
  /\b(unknown|random|strange) (person|party|guy|dude|stranger|laptop|machine)\b|\b[\w-]*spoofing (laptop|machine|box|device|host|computer)\b/,
  /\b(attackers?|hackers?|interceptors?|intercepters?|adversar(y|ies)|eavesdropp\w*|snoop(s|er|ers)?|criminals?|crooks?|thie(f|ves)|bad (guy|guys|actor|actors|person|people|man|woman)|scammers?|spies|spy|intruders?|fraudsters?|villains?|crackers?)\b/,
  /\b(fake|false|rogue|evil|malicious|spoofed|forged|counterfeit|hostile|bogus|look-?alike) (server|servers|site|sites|website|websites|access points?|hotspots?|routers?|prox(y|ies)|twin|machine|computer)\b/,
  /\bsome(one|body) (malicious|nasty|hostile|dishonest|evil|sitting|standing|running|controlling|operating|owning|behind|in between|between|in the middle|on the (same|path|network|wire|line)|who (controls|runs|owns|sits|stands|operates|set up|sets up))\b/,
];

/** "Someone at the next table who controls the wifi": an ordinary word for a person, in a hostile role. */
export const PERSON = /\b(some(one|body)|anyone|anybody|a stranger|strangers|(a|the|that|this|some|one) (person|guy|man|woman|kid|dude|bloke|fellow|neighbou?r|passenger|customer|student|employee|colleague|people)|people|the (owner|operator|admin|administrator|manager)s? of|(hotspot|wi-?fi|router|network|cafe|café|hotel|shop|access point|proxy|vpn) (owner|operator|admin|administrator|provider)s?|whoever (runs|controls|owns|operates|set up|sets up))\b/;
export const HOSTILE_ROLE = /\b(answer\w* (in|for|instead|as)|in (the|your|its|his|her|their) (\w+'s )?(name|place)|intercept\w*|pretend\w*|pos(e|es|ing) as|control\w*|runs?|running|operat\w*|owns?|owning|set(s|ting)? (\w+ )?up|hijack\w*|poison\w*|spoof\w*|in the middle|belong\w* to|sits? (between|in between|in the middle)|sitting (between|in between|in the middle)|stands? between|between (you|your \w+) and)\b/;

export const PLACE = [
  /\b(wi-?fi|wlan|wireless|hot-?spots?|access points?|evil twin|caf[eé]s?|coffee[- ]?shops?|hotels?|airports?|airplanes?|planes?|trains?|hostels?|restaurants?|bars?)\b/,
  /\bdns\b|\bdomain name\b|\barp\b|\bbgp\b|\bcaptive portal\b|\bvpns?\b/,
  /\b(router|routers|modem|isp|isps|internet (service )?providers?|prox(y|ies)|gateway|switch on the|network operator|hosting provider|cloud provider)\b/,
  /\b(hostile|shared|public|untrusted|compromised|open|guest|corporate|office|school|campus|local|strange|foreign|unknown|unsafe|insecure|free|conference|airport|hotel|hacked|infected|malicious|rogue|somebody else's|someone else's) (network|networks|lan|lans|wi-?fi|connection|internet|line)\b/,
  /\bsame (network|lan|wi-?fi|router)\b/,
  /\b(library|university|uni|campus|school|college|hospital|mall|station|coworking|co-working|home|company|event|stadium|festival|restaurant|pub|gym|airbnb|apartment|dorm|dormitory|neighbou?r'?s?|train|bus|flight|in-flight|coffee|shop|store|lobby|conference|hotel|airport|caf[eé]|guest|visitor|workplace|work)('s)? (network|networks|lan|wi-?fi|wlan|hot-?spot|router|access point)\b/,
];

export const READ_ACT = /\b(reads?|reading|see|sees|seeing|saw|seen|steal\w*|stole|stolen|snoop\w*|eavesdrop\w*|spy|spies|spying|captur\w*|logs?|logging|logged|record\w*|cop(y|ies|ying|ied)|decrypt\w*|harvest\w*|sniff\w*|collect\w*|learn\w*|grab\w*|watch\w*|listen\w*|look\w* at|peek\w*|peer\w* at|intercept\w*|pocket\w*|siphon\w*|lift\w*|exfiltrat\w*|open\w* (it|them|everything)|know\w* (what|everything)|take|takes|took|taking|nick\w*|not(es|ing|ed)? down|jot\w*|writ(e|es|ing) down|wrote down|listen\w* in)\b/;
export const CHANGE_ACT = /\b(chang\w*|modif\w*|alter\w*|tamper\w*|inject\w*|rewrit\w*|rewrote|edit\w*|replac\w*|forg(e|es|ing)|swap\w*|insert\w*|manipulat\w*|corrupt\w*|falsif\w*|redirect\w*|substitut\w*|twist\w*|doctor\w*|mess\w* with|tweak\w*|fiddl\w*|meddl\w*|poison\w*|add\w* (their own|malware|malicious|code|scripts?|a script))\b/;
export const ACTOR = /\b(they|them|their|he|she|his|her|whoever|someone|somebody|anyone|anybody|who)\b/;
export const DATA = /\b(passwords?|data|traffic|messages?|everything|anything|cookies?|tokens?|credentials?|secrets?|api keys?|keys|logins?|requests?|responses?|replies|answers|pages?|downloads?|updates?|bytes|sessions?|card numbers?|credit cards?|emails?|payloads?|contents?|information|info|conversation|what you send|whatever you send|what comes back|bank details|details|files?|code|all of it)\b/;

/** Node's switches, however spelled. */
export const SWITCH = /\breject ?unauthori[sz]ed\b\W{0,4}(:|=|to|set to|as|is|of|at|be|becomes)?\W{0,4}\b(false|off|disabled|0)\b|\bnode_tls_reject_unauthori[sz]ed\b/;
/** The switch in plain words, with a pronoun, next to where it would be "fine": "I disable it locally". */
export const OFF_EXCUSED = /\b(disabl\w*|turn(s|ed|ing)? (it |them |that |verification |checking |the checks? )?off|switch(es|ed|ing)? (it |them |that |verification |checking |the checks? )?off|skip\w*|bypass\w*)\b[^.]{0,60}\b(locally|in dev\w*|for dev\w*|in (tests?|testing|ci|staging|prod\w*)|on localhost|temporar\w*|for now|at home|dev loop)\b/;
export const OFF_PROSE = /\b(disabl\w*|turn(s|ed|ing)? off|switch(es|ed|ing)? off|skip\w*|bypass\w*|ignor\w*|silenc\w*|shut(s|ting)? off)\s+(the\s+|all\s+|any\s+|your\s+)?(certificate\s+|cert\s+|tls\s+)?(verification|checks?|checking|validation|errors?)\b/;
/** Words that make a sentence naming the switch a warning, or someone else's advice, rather than a recommendation. */
export const WARNING = /\bnot (a |the )?(good|real|proper|safe|right|true|correct|actual) (fix|solution|idea|way|answer|option)\b|\b(don't|do not|won't|will not|never|doesn't|does not) (even )?need\b|\bno need (for|to)\b|\baccept\w* (any|every|all|whatever|anyone's|anybody's)\b|\b(do not|don't|never|please don't|stop|avoid|shouldn't|should not|must not|mustn't|won't|will not)\s+(\w+\s+)?(use|using|set|setting|add|adding|put|pass|turn|switch|disable|disabling|rely|reach for|paste|copy)\b|\b(tell\w*|ask\w*) node to (accept|trust|ignore|skip)\b|\b(never|avoid\w*|instead of|rather than|danger(ous|s)?|risk(y|s)?|bad|worst|wrong|mistaken?|mistakes|tempt\w*|trap|shortcut|unsafe|insecure|defeat\w*|pointless|useless|hole|vulnerab\w*|beware|warning|careless|lazy|reckless|harmful|harm|false sense|exposed?|resist|treacherous|scary|terrible|awful)\b(?![- ]?(free|less))/g;

/** A warning word not itself negated ("no danger", "not risky"). */
export function warned(sentence: string): boolean {
  for (const m of sentence.matchAll(WARNING)) {
    const before = sentence.slice(0, m.index).split(" ").slice(-4).join(" ");
    if (!/\b(no|not|without|zero|nothing)\b|n't\b/.test(before)) return true;
  }
  return false;
}
export const REPORTED = /\b(told|tells?|suggest\w*|advis\w*|forums?|stack ?overflow|tutorials?|snippets?|blogs?|people|others|online|the internet|the web|google\w*|search\w*|chatgpt|copilot|colleagues?|answers? (says?|tells?)|(someone|somebody|they|people|he|she|it|the (answer|post|article|tutorial|thread|comment)|an? (friend|colleague|post|answer|comment)) (says?|said|claims?|claimed|writes?|wrote)|one-?liner|(you|they|someone|somebody|people|we|i) (found|saw|read|copied|pasted|got|googled))\b/;

/** Words in quotation marks are someone else's: "just add rejectUnauthorized: false", they said. */
export const withoutQuotes = (s: string) => s.replace(/“[^”]*”|"[^"]*"|‘[^’]*’|«[^»]*»/g, " ");

/** A recommending cue that the same sentence then takes back: "it makes the error go away, but ...". */
export const TAKEN_BACK = /\b(but|however|yet|though|although|except|at the (cost|price) of)\b[^.]*\b(danger\w*|risk\w*|secur\w*|safe\w*|attack\w*|los(e|es|t|ing)|disappear\w*|gone|vanish\w*|nothing|no (protection|proof|check|way)|impost[eo]r\w*|anyone|anybody|expos\w*|hole|harm\w*|bad|wrong|trap|insecure|unsafe|any cert\w*|identity|who)\b/;

/** The first recommending cue in the sentence, affirmed and not taken back after it. */
export function recommends(s: string): boolean {
  return RECOMMEND.some((re) => {
    const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
    for (const m of s.matchAll(g)) {
      if (affirmed(s.slice(0, m.index + m[0].length), new RegExp(re.source, re.flags.replace("g", ""))) === undefined) continue;
      if (TAKEN_BACK.test(s.slice(m.index + m[0].length))) continue;
      // Conceded, not recommended: "..., even though it makes the error go away."
      if (/\b(even|although|though|despite|granted|admittedly|sure|yes)\b/.test(s.slice(0, m.index).split(/[,;:]/).pop() ?? "")) continue;
      return true;
    }
    return false;
  });
}
/** Cues that a sentence naming the switch offers it as the way to go. */
export const RECOMMEND = [
  /(^|[,:;]\s*|\b(and|then|so|just|simply|only|instead|please|always|also)\s+)(set|use|add|pass|put|enable|apply|turn on|include)\s+(\w+\s+){0,2}`?(reject ?unauthori[sz]ed|node_tls_reject_unauthori[sz]ed)/,
  /\b(you|we|i) (can|could|may|might|should|just|simply|will|need to|have to|must) (\w+ )?(set|use|add|pass|put|run|turn|switch|disable|skip|bypass|ignore)\b/,
  /\b(run|start|launch)\s+(\w+\s+){0,3}with\s+`?node_tls_reject_unauthori[sz]ed/,
  /(?<=\b(is|it's|its|are|be|totally|perfectly|completely|quite|pretty|good|safe|considered|actually|really|probably|usually|generally|mostly|enough|just)\s)(fine|ok|okay|acceptable|alright|all right|harmless|allowed|safe|enough|no problem|not a problem)\b/,
  // Excuses: the switch allowed somewhere, some of the time.
  /\b(retry\w*|retried|try (it )?again|reconnect\w*|relax\w*)\b/,
  /\b(if so|if (it|that|this|the first (one|try|attempt)) fails|on (an? |that )?error|when it fails|otherwise)\b[^.]{0,20}\b(retry\w*|try (it )?again|reconnect\w*|fall back|switch)\b/,
  /\b(acceptable|fallback|fall back (to|on)|last resort|as a backup|temporar(y|ily)|for now|in a pinch|normal|common practice|standard practice|usual|fine|ok|okay|alright|harmless|allowed)\b/,
  /\b(for|in|during|on|behind|inside|within) (local|dev|development|testing|tests|test|ci|staging|localhost|(a|the|your) (trusted|private|corporate|internal|home|local) (network|lan|firewall|vpn)|(a|the) (corporate )?firewall|throwaway|quick) ?(\w+ )?(development|testing|scripts?|pipelines?|builds?|environments?|only|machines?|boxes|servers?)?\b/,
  /\bif (you can't|you cannot|it doesn't|it does not|that doesn't|all else fails|nothing else works|the `?ca`? (option )?(fails|doesn't work))\b/,
  /\b(the (fix|solution|answer|way to go|trick|workaround|remedy)|to fix (it|this|that)|fix(es)? (it|this|that|the error|the problem)|solves? (it|this|that|the)|easiest|simplest|quick(est)? (fix|way)|recommend\w*|no harm|nothing wrong|works fine|go ahead|feel free|handy|convenient|makes? (the|that|this) (error|problem|warning) (go away|disappear))\b/,
  /(^|[,:;]\s*|\b(and|then|so|just|simply|only|please)\s+)(disable|turn off|switch off|skip|bypass|ignore)\s+(the\s+)?(certificate\s+|cert\s+)?(verification|checks?|checking|validation|errors?)\b/,
];

export const CA_OPTION = /\b(option|setting|parameter|property|field|key|argument)s?\s+`?ca`?\b(?!\s*(-|that|which|who|signs?|signed|signing|certificate|cert|bundle|authority|store))|`ca`|\bca\s*:|\bca\s*=(?!=)|[{,]\s*ca\s*[,}]|\b(the|a|your|its|their|an?|with|via|using|use|in|into|through)\s+`?ca`?\s+(option|setting|field|property|parameter|key|entry|list|array|argument)s?\b|\b(as|in|into|via|through|to|under|with|using)\s+(the\s+)?`?ca`?\b(?!\s*(-|that|which|who|signs?|signed|signing|certificate|cert|bundle|authority|store))|\bnode_extra_ca_certs\b/;
export const KEEP_ON = [
  /\b(keep\w*|kept|leav\w*|left|with|still|stays?|remains?|while|and)\b[^.;]{0,40}\b(verif\w*|check\w*|validat\w*|reject ?unauthori[sz]ed)\b[^.;]{0,20}\b(on|enabled|active|in place|switched on|turned on|intact|true|running|working|in force|untouched|alone)\b/,
  /\b(verif\w*|check\w*|validation)\s+(\w+\s+)?(stays?|remains?|is still|are still|keeps? (running|working|happening|going)|still (runs|run|works|work|happens|happen|applies|apply|passes|succeeds|does its job|do their job)|continues?|continuing|goes on|carries on|(works?|runs?|happens?|continues?|goes on) (normally|as usual|as normal|as always|as before)|as usual|as normal|as always)\b/,
  /\b(accept\w*|trust\w*|allow\w*|lets?|letting|pass\w*) (through )?only (your|that|this|the|my|its|their|exactly)\b/,
  /\bonly (your|that|this|the|my|its|their) (own )?(exact )?(cert\w*|server)\b[^.]{0,30}\b(accepted|trusted|passes|gets? through|allowed|gets? in)\b/,
  /\breject ?unauthori[sz]ed\W{0,4}(:|=|is|stays|remains|set to|to)?\W{0,4}true\b/,
  /\b(don't|do not|never|without|not|no need to|nothing to)\s+(\w+\s+){0,3}(disabl\w*|turn\w* (it |verification |checking |them |the checks? )?off|switch\w* (it |verification |checking |them |the checks? )?off|skip\w*|weaken\w*|giv\w* up)\b/,
  /\b(node|the client|your client|tls|it|your code|the connection|https)\s+(still |then |now |will |can )?(verif(y|ies)|checks?|validates?)\b/,
  /\b(keep|leave)\s+(it|them|that|this|the checks?|the check)\s+(on|enabled|switched on|turned on|in place|active)\b/,
  /\bverification on\b|\bverification (is |stay\w* |remain\w* |was |kept )?(switched |turned |fully |still )?(on|enabled)\b/,
  /\b(verif\w*|check\w*|validation)\s+(\w+\s+){0,3}(stay\w*|remain\w*|kept|left|still)\s+(\w+\s+)?(on|enabled|active|in place|intact|running|in force)\b/,
  /\b(keep|keeps|keeping|kept|leave|leaves|leaving|left) (\w+ )?(the |all |every |its |your )?(checks?|verification|validation|checking)\b(?! off)/,
  /\b(cert\w*|chain|name|hostname|signature)s? (is|are|gets?|get) still (verified|checked|validated|inspected)\b|\bstill (verif(y|ies|ied)|checks?|validates?|inspects?) (the |its |your )?(cert\w*|chain|name|hostname|dates?|signatures?)\b/,
  /\bnothing (is |gets |was )?(disabled|switched off|turned off|skipped)\b/,
  /\b(keep|keeps|keeping|kept|continue|continues|continuing|still|go on|goes on)\s+(on\s+)?(verifying|checking|validating)\b/,
  /\b(any other|every other|other|a stranger's|the stranger's|an impostor's|the impostor's|an imposter's|the imposter's|an attacker's|the attacker's|the hacker's|a hacker's|his|her|their|a fake|fake|forged|someone else's|anyone else's|any different|a different)\s+(\w+\s+)?(cert\w*)\s+(\w+\s+){0,2}(refused|rejected|fails?|failing|bounces?|blocked|turned away)\b/,
];

/**
 * Trust taken from the connection itself (trust on first use): whatever certificate the server
 * presents, fetched over the network or clicked through in a browser, made the `ca`. On the
 * wrong network that is the impostor's certificate: a trust anchor must come by another way.
 */
export const FIRST_USE = [
  /\bwhatever (certificate|cert) (the server |it |they |the site )?(presents?|sends?|shows?|offers?|gives?|hands?)\b/,
  /\bgetpeercertificate\b/,
  /\bs_client\b/,
  /\b(proceed|continue|go on) (anyway|to the site|regardless)\b|\bclick\w* (through|past|away) the (warning|error)\b/,
  /\b(on|at|during) (the |your )?first (connection|connect|contact|use|run|request|handshake)\b|\btrust on first use\b|\btofu\b/,
  /\b(download\w*|fetch\w*|grab\w*|pull\w*|captur\w*|sav(e|es|ing)|export\w*|record\w*|tak(e|es|ing)|copy\w*) (\w+ ){0,3}(certificate|cert)s? (\w+ ){0,3}(from|off|out of) (the |your |that )?(server|site|connection|handshake|network|browser|wire)\b/,
  /\b(certificate|cert) (that |which )?(the|your) browser (shows|displays|presents)\b|\bexport\w* (\w+ ){0,3}(certificate|cert) (\w+ ){0,4}(it|the browser|your browser) (shows|displays)\b/,
];

/** Errors silenced as part of "the safe way": the failure a verifying client reports, thrown away. */
export const SWALLOW = /\bon\(\s*["'`]?error["'`]?\s*,\s*\(\s*\)\s*=>\s*\{\s*\}\s*\)|\b(ignor\w*|swallow\w*|suppress\w*|silenc\w*|mute\w*) (\w+ ){0,2}(the |any |all |every )?(errors?|'error'|"error"|error events?|exceptions?)\b/;

/** A self-signed certificate called safe by itself, as if nothing had to vouch for it. */
export const SELF_SIGNED_FINE = /(?<!\b(your|my|our|their|his|her|its|the|that|this) )\bself-?signed (certificate|cert)s? (is|are) (always |perfectly |totally |just |completely )?(fine|safe|secure|ok|okay|as (good|safe|secure))\b(?![^.]{0,40}\b(as long as|if|when|provided|once|so long as|only if)\b)|\bsame (\w+ ){0,4}protection as (one|a certificate|certificates|a cert) (from|signed by|issued by) a (public |real |trusted )?ca\b/;

/** The switch by a common noun, as a sentence that has named it says next: "leaving the flag in is fine". */
export const FLAG_REF = /\b(the|that|this|your) (flag|option|switch|one-?liner|setting|line|workaround|hack)\b|\bit off\b/;
export const EXCUSE = /\b(fine|ok|okay|acceptable|alright|harmless|allowed|no big deal|no problem|good enough|for now|for the (demo|hackathon|release)|next sprint|nobody (cares|minds|will notice)|go ahead|merge it)\b/;

/** Hostname checking switched off by hand, however it is phrased. */
export const NOOP_IDENTITY = /\bcheckserveridentity\b[^.]{0,40}(=>\s*(undefined|null|\{\s*\})|\breturn\w*\s+(undefined|nothing|null)\b|\b(noop|no-op|empty|skip\w*|disabl\w*|relax\w*|ignor\w*))/;

/** `ca` described as a way to switch verification off. */
export const CA_AS_SWITCH = /\bca\b[^.]{0,80}\b(skip\w*|disabl\w*|bypass\w*|turn\w* off|switch\w* off|same switch|no verification|without verification|stops? (checking|verifying))\b/;

/** The danger waved away: theoretical, unlikely, for banks only. */
export const DOWNPLAY = /\b(theoretical|unlikely|only (bother|go|goes|care|cares) (\w+ ){0,6}(banks?|high-?value|big|large|payment)|(pretty |very )?rare(ly)?|overblown|exaggerated|paranoi\w*|nobody (is going to|will|would|is) (bother|spend|target|going after|after)|not (really |actually )?(something|worth) (you )?(really |realistically |actually )?(need to |have to |should )?worry|only (matters?|happens?|targets?|aimed at|a concern|relevant|for) (\w+ ){0,2}(banks?|big|large|payment)|relax( a little)?)\b/;
/** Self-signed called hopeless, as if no safe way existed. */
export const NO_FIX = /\b(no (real |proper |safe )?(fix|solution|way (around|out))|insecure by (their |its )?nature|inherently (insecure|unsafe)|can never be (safe|secure|trusted))\b/;

export const PYTHON = /\bverify\s*=\s*false\b|\bcert_none\b|\bcheck_hostname\b|\bload_verify_locations\b|\bcreate_default_context\b|\bcafile\b|\bverify_mode\b|\brequests\.(get|post)\b|\bpython\b|\bssl\.(sslcontext|create)\b/;

export function find(sentences: string[], test: (s: string) => string | boolean | undefined): string | undefined {
  for (const s of sentences) {
    const r = test(s);
    if (r) return s;
  }
  return undefined;
}

export const firstMatch = (s: string, res: RegExp[]) => {
  for (const re of res) {
    const m = re.exec(s);
    if (m) return m[0];
  }
  return undefined;
};

/** Quotes a learner's sentence briefly, in their own words. */
export const quote = (s: string) => {
  const t = s.trim();
  return `"${t.length > 140 ? t.slice(0, 137) + "…" : t}"`;
};
