import { foldName } from '../children/names';

/**
 * Given names that may be one person's: short forms, nicknames and other spellings of the same name
 * (transliterations especially, where no spelling is the "right" one). Each line is one group.
 * Kept short on purpose: it adds weight to a match that names and sounds already suggest.
 */
const groups: readonly (readonly string[])[] = [
  ['mohammed', 'muhammad', 'mohammad', 'mohamed', 'muhammed', 'mohamad', 'mohammud', 'mo', 'moe'],
  ['ahmed', 'ahmad', 'ahmet'],
  ['yusuf', 'yousef', 'youssef', 'yusef', 'joseph', 'joe', 'joey'],
  ['ibrahim', 'ebrahim', 'abraham', 'abe'],
  ['sulaiman', 'suleiman', 'sulayman', 'solomon'],
  ['mustafa', 'mostafa', 'moustafa'],
  ['hussain', 'hussein', 'husain', 'hossein'],
  ['abdul', 'abdel', 'abdal'],
  ['robert', 'rob', 'robbie', 'bob', 'bobby', 'bert'],
  ['william', 'will', 'willie', 'bill', 'billy', 'liam'],
  ['elizabeth', 'liz', 'lizzie', 'beth', 'betty', 'eliza', 'libby', 'bess'],
  ['alexander', 'alex', 'alec', 'sandy', 'xander'],
  ['alexandra', 'alex', 'alexa', 'sasha', 'lexi'],
  ['michael', 'mike', 'mikey', 'mick', 'micky'],
  ['richard', 'rich', 'richie', 'rick', 'ricky', 'dick'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['john', 'jon', 'johnny', 'jack', 'sean', 'shaun', 'shawn', 'ian', 'evan'],
  ['jonathan', 'jon', 'jonny', 'nathan'],
  ['thomas', 'tom', 'tommy'],
  ['christopher', 'chris', 'kit'],
  ['christine', 'christina', 'chris', 'chrissie', 'tina'],
  ['daniel', 'dan', 'danny'],
  ['david', 'dave', 'davy', 'dai', 'dafydd'],
  ['anthony', 'antony', 'tony'],
  ['edward', 'ed', 'eddie', 'ted', 'teddy', 'ned'],
  ['charles', 'charlie', 'chas', 'chuck'],
  ['nicholas', 'nick', 'nicky', 'nico'],
  ['matthew', 'matt', 'matty'],
  ['andrew', 'andy', 'drew'],
  ['stephen', 'steven', 'steve', 'stevie'],
  ['benjamin', 'ben', 'benny'],
  ['samuel', 'sam', 'sammy'],
  ['patrick', 'pat', 'paddy'],
  ['peter', 'pete'],
  ['kenneth', 'ken', 'kenny'],
  ['lawrence', 'laurence', 'larry', 'laurie'],
  ['margaret', 'maggie', 'meg', 'peggy', 'marge'],
  ['katherine', 'catherine', 'kathryn', 'kate', 'katie', 'cath', 'kath', 'kitty'],
  ['rebecca', 'becky', 'becca'],
  ['victoria', 'vicky', 'tori'],
  ['jennifer', 'jen', 'jenny'],
  ['susan', 'sue', 'susie'],
  ['deborah', 'debra', 'debbie', 'deb'],
  ['patricia', 'pat', 'patsy', 'trish'],
  ['abigail', 'abi', 'abby', 'gail'],
  ['samantha', 'sam', 'sammy'],
  ['aleksandr', 'aleksander', 'oleksandr', 'sasha'],
  ['dmitri', 'dmitry', 'dimitri', 'dima'],
  ['mikhail', 'michal', 'misha'],
  ['sean', 'shaun', 'shawn', 'shane'],
  ['aisha', 'ayesha', 'aysha'],
  ['fatima', 'fatimah', 'fatma'],
];

const index = new Map<string, Set<number>>();
groups.forEach((group, i) => {
  for (const name of group) {
    const at = index.get(name) ?? new Set<number>();
    at.add(i);
    index.set(name, at);
  }
});

/**
 * Whether two given names are short forms, nicknames or other spellings of one name ("Bob" and
 * "Robert", "Mohammed" and "Muhammad"). Names spelt the same are not variants: that is a plain match.
 */
export function areNameVariants(a: string, b: string): boolean {
  const x = foldName(a);
  const y = foldName(b);
  if (!x || !y || x === y) return false;
  const groupsOfX = index.get(x);
  const groupsOfY = index.get(y);
  if (!groupsOfX || !groupsOfY) return false;
  for (const g of groupsOfX) if (groupsOfY.has(g)) return true;
  return false;
}
