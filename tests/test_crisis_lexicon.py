"""The crisis lexicon (`moderation/lexicons/crisis.toml`): the forms people really write about
suicide and self-harm are found at least at their severity, in Finnish, Swedish and English;
idioms, grief, accidents and harassment aimed at others are not. The lines here are written
fresh, apart from both evaluation sets, so they test the families of forms, not their lines:
`FAMILIES` has variants of each family of expression, `FAMILY_NEGATIVES` the nearest ordinary
lines to them."""

from __future__ import annotations

import tomllib

import pytest

from moderation.lexicon import LEXICONS, LexiconDetector, prefixes
from moderation.normalise import Reading
from moderation.verdict import Category, Finding, Severity

LOW, MEDIUM, HIGH = Severity.LOW, Severity.MEDIUM, Severity.HIGH
DETECTOR = LexiconDetector.named("crisis")


def crisis(text: str) -> Finding | None:
    return DETECTOR(Reading(text))


POSITIVES: list[tuple[str, Severity]] = [
    # fi: a wish to die, spoken and written, every tense and mood
    ("mä haluisin kuolla", MEDIUM),
    ("halusin kuolla koko viikonlopun", MEDIUM),
    ("tahdon kuolla", MEDIUM),
    ("toivon et mä kuolisin", MEDIUM),
    ("kunpa mä kuolisin unissani", MEDIUM),
    ("HALUUN KUOOOLLA", MEDIUM),
    ("h a l u u n kuolla", MEDIUM),
    ("en mä haluu kuolla, mä vaan oon väsyny", MEDIUM),
    ("en halua enää elää", MEDIUM),
    ("mä en jaksa enää tätä elämää", MEDIUM),
    ("en nää mitään järkeä elää", MEDIUM),
    ("haluun vaan pois tästä maailmasta", MEDIUM),
    ("kaikki pärjäis paremmin ilman mua", MEDIUM),
    ("haaveilen kuolemasta", MEDIUM),
    ("oon ajatellu tappaa itteni", MEDIUM),
    ("mulla on itsetuhosia ajatuksia", MEDIUM),
    ("itsemurha ajatukset pyörii päässä", MEDIUM),
    # fi: self-harm happening
    ("viiltelin taas koko illan", MEDIUM),
    ("oon alkanu taas viiltelemään", MEDIUM),
    ("raavin itteni verille", MEDIUM),
    ("tekis mieli satuttaa itteä", MEDIUM),
    # fi: intent, method, means, time, farewell
    ("mä tapan ittäni", HIGH),
    ("aion hypätä sillalta", HIGH),
    ("mä hyppään parvekkeelta", HIGH),
    ("nielin kaikki pillerit", HIGH),
    ("otan koko purkin unilääkkeitä", HIGH),
    ("oon kerännyt pillereitä monta viikkoa", HIGH),
    ("montako unilääkettä riittää et ei herää", HIGH),
    ("mulla on hirttoköysi valmiina", HIGH),
    ("hyvästi kaikki", HIGH),
    ("tää on mun viimenen viesti, anteeks kaikille", HIGH),
    ("perjantaina mä lopetan tän kaiken", HIGH),
    # fi: passive wish (low)
    ("toivon etten heräis", LOW),
    ("kunpa en ois syntyny", LOW),
    ("kukaan ei kaipais mua", LOW),
    ("haluun vaan kadota", LOW),
    # sv (Finland-Swedish colloquial too)
    ("ja vill int finnas mera", MEDIUM),
    ("jag orkar inte leva", MEDIUM),
    ("jag har dödstankar hela tiden", MEDIUM),
    ("jag har skurit mig igen", MEDIUM),
    ("jag vill döda mig själv", MEDIUM),
    ("alla skulle må bättre utan mig", MEDIUM),
    ("jag ska ta livet av mig i natt", HIGH),
    ("hur många tabletter behövs för att dö", HIGH),
    ("jag har skrivit ett självmordsbrev", HIGH),
    ("jag önskar att jag aldrig fötts", LOW),
    # en (teen forms too)
    ("i wanna die lol", MEDIUM),
    ("kms fr", MEDIUM),
    ("i really want to unalive", MEDIUM),
    ("theres no point living", MEDIUM),
    ("my family is better off without me", MEDIUM),
    ("relapsed on sh after 3 months clean", MEDIUM),
    ("i'm cutting myself again", MEDIUM),
    ("i feel suicidal", MEDIUM),
    ("i\u2019ll kill myself this weekend", HIGH),  # a typographic apostrophe
    ("i swallowed a handful of pills", HIGH),
    ("how many pills does it take to die", HIGH),
    ("i'm going to jump in front of a train", HIGH),
    ("i've got a rope and i'm ready", HIGH),
    ("i wish i'd never been born", LOW),
    ("no one would care if i died", LOW),
    ("i'm a burden to everyone", LOW),
    ("i don't see the point in living anymore", MEDIUM),
    ("everyone would be happier if i was gone", MEDIUM),
    ("i looked up how to kill myself", HIGH),
    ("miten sen vois tehdä niin ettei tuntuis mitään", HIGH),
    ("oon googlannu tapoja kuolla", HIGH),
]

NEGATIVES = [
    # fi: idioms, grief, accidents, haircuts, cooking, films, never would
    "kuolin melkein nauruun",
    "mä kuolen tylsyyteen tällä tunnilla",
    "meinasin kuolla häpeästä",
    "kuoliaaksi väsyny tänään",
    "tää koe tappo mut",
    "tapoin huonekasvin taas",
    "mummo kuolee syöpään ja se on raskasta",
    "isän kuolemasta on nyt vuosi",
    "kuolema pelottaa mua tosi paljon",
    "pilkoin kalaa ja viilsin vahingossa peukaloon",
    "sain haavan ku viilsin leipää",
    "leikkasin itselleni otsatukan",
    "poltin itteni aurinkoon rannalla",
    "hyppään junaan ja tuun huomenna",
    "hyppäsin katolta lumihankeen",
    "katoin leffan jossa päähenkilö tekee itsemurhan",
    "kaverin isä teki itsemurhan vuosia sitten",
    "en ikinä satuttais itteeni",
    "en jaksa herätä huomenna kuudelta",
    "en halua elää eksän kanssa enää samassa talossa",
    "lääkäri sano et lääkkeet otetaan aamulla",
    "mulla ei oo tarpeeks lääkkeitä ens viikkoon",
    "hyvästi koeviikko, tervetuloa loma",
    "kiitos kaikesta avusta, nähdään ensi viikolla",
    # sv
    "jag dör av längtan efter sommarlovet",
    "läxan kommer att ta livet av mig",
    "jag skar mig på ett papper",
    "vi hoppade från bron i sjön i somras",
    "tack för allt stöd",
    # en
    "i nearly died when i saw the bill",
    "this traffic is killing me",
    "i could kill for a pizza",
    "i hurt my back lifting boxes",
    "i burned myself on the stove cooking pasta",
    "i take all my meds in the morning with breakfast",
    "we watched a movie about suicide in class",
    "i don't want to live with my dad anymore",
    "bye everyone see you next week",
    "we walked 10 kms today",
    "i never wake up on time",
    "what's the best way to die in minecraft lol",
    "how do i do it fast, the deadline is tomorrow",
    "i want to end it with him properly",
    # harassment aimed at someone else is that lexicon's, not a crisis of the author
    "tapa ittes jo",
    "ta livet av dig",
    "go kill yourself",
]


# Families of expression, each with fresh variants of its own (written apart from both
# evaluation sets): inflections, spoken and dotless forms, word order, the three languages.
FAMILIES: list[tuple[str, Severity]] = [
    # asking how much of a drug kills, not waking up
    ("montako buranaa pitää vetää et ei enää herää", HIGH),
    ("kuinka monta panadolia tarvii ettei herää aamulla", HIGH),
    ("paljonko unilääkkeitä pitää ottaa et kuolee", HIGH),
    ("how many tylenol until you don't wake up", HIGH),
    ("hur många alvedon ska man ta för att man int vaknar", HIGH),
    # a count of pills taken
    ("i took 30 pills", HIGH),
    ("otin 40 unilääkettä", HIGH),
    ("ja tog typ 20 tabletter", HIGH),
    ("vedin kaikki mun lääkkeet", HIGH),
    # means at hand and what I will do with them
    ("ostin partakoneen teriä ja tiiän mitä teen niillä", HIGH),
    ("mulla on terät tallessa ja tiiän mitä teen niillä tänään", HIGH),
    ("köpte rakblad idag och ska använda dem när alla sover", HIGH),
    ("got razor blades, gonna use them when everyone's asleep", HIGH),
    # a firearm at hand
    ("isällä on kivääri kaapissa ja tiiän missä avain on", HIGH),
    ("faijan haulikko on ladattuna vintillä", HIGH),
    ("my dad keeps a gun in the closet and i know where the key is", HIGH),
    ("pappas jaktgevär står i garderoben, det vore så lätt", HIGH),
    # a last message, with thanks
    ("tää on viimenen viesti mitä kirjotan, kiitos kaikille", HIGH),
    ("viimeinen viestini tänne: kiitos et kestitte mua", HIGH),
    ("det här är mitt sista meddelande, tack för att ni orkade med mig", HIGH),
    ("this is the last message i'll ever post, thanks for putting up with me", HIGH),
    ("i've written letters to my family for after i'm gone", HIGH),
    ("tänään on mun viimeinen päivä", MEDIUM),
    # "I'll do it", with a decision and nothing else named
    ("lauantaina ku kaikki on lähteny mä teen sen. päätös on tehty", HIGH),
    ("oon päättäny jo. teen sen tänä yönä", HIGH),
    ("i've made up my mind. i'm doing it tonight", HIGH),
    ("ja har bestämt mig. ja gör det i natt", HIGH),
    ("haluun et joku tietää ennen ku teen sen", MEDIUM),
    ("jag ville att nån skulle veta innan jag gör det", MEDIUM),
    # ending "this", decided
    ("päätin lopettaa tän tänä yönä", HIGH),
    ("aion lopettaa tämän huomenna", HIGH),
    ("i've decided to end this tonight", HIGH),
    ("jag har bestämt mig, jag ska avsluta det i natt", HIGH),
    # already taken; "call an ambulance or don't"
    ("already swallowed the whole bottle, too late now", HIGH),
    ("nielin ne kaikki jo, älkää soittako ambulanssia", HIGH),
    ("call an ambulance or don't, doesn't matter", HIGH),
    ("jag har redan tagit dem, ring int ambulansen", HIGH),
    # a wish to be run over
    ("kunpa joku rekka ajais mun yli", MEDIUM),
    ("toivon et joku auto törmäis muhun", MEDIUM),
    ("i hope a bus hits me on the way home", MEDIUM),
    ("hoppas att en bil kör på mig", MEDIUM),
    ("wish i'd get hit by a car", MEDIUM),
    # driving into a truck, off a bridge
    ("tekis mieli ajaa rekan alle", HIGH),
    ("ajan vaan vastaantulevan rekan eteen", HIGH),
    ("sometimes i want to swerve into oncoming traffic", HIGH),
    ("i keep thinking about driving off the bridge", HIGH),
    # the tracks, the next train, a platform
    ("seison asemalla ja hyppään seuraavan junan eteen", HIGH),
    ("astun raiteille ku juna tulee", HIGH),
    ("im on the platform, gonna step off when it comes", HIGH),
    ("tänk om ja bara hoppar ner på spåret", HIGH),
    ("gonna lie down on the tracks tonight", HIGH),
    # the fastest, surest, least painful way; asking how
    ("mikä on nopein tapa kuolla", HIGH),
    ("kivuttomin tapa tappaa itsensä?", HIGH),
    ("what's the surest way to kill myself", HIGH),
    ("snabbaste sättet att dö?", HIGH),
    ("least painful way to die", HIGH),
    ("hur dör man snabbast", HIGH),
    ("miten voi tappaa itsensä", MEDIUM),
    # easier, better, fine if I disappeared
    ("everyone would be better if i just vanished", LOW),
    ("kaikilla ois helpompaa jos mä vaan katoisin", LOW),
    ("my family would be happier if i wasn't around", LOW),
    ("det vore lättare för alla om ja bara försvann", LOW),
    ("everything would be better if i wasn't born", LOW),
    # better off without me
    ("barnen klarar sig bättre utan mig", MEDIUM),
    ("alla skulle ha det lyckligare utan mig", MEDIUM),
    ("lapset pärjäis ihan hyvin ilman mua", MEDIUM),
    ("kaikki ois parempi ilman mua", MEDIUM),
    # not waking up
    ("i wish i wouldn't wake up tomorrow", LOW),
    ("hate waking up. wish i didn't", LOW),
    ("önskar att ja aldrig vaknade", LOW),
    ("i hope i never wake up", LOW),
    ("vill bara sova och aldrig vakna igen", LOW),
    # to stop existing, disappear for good
    ("det vore skönt att sluta finnas", LOW),
    ("would be nice to cease to exist", LOW),
    ("skönt att bara försvinna för alltid", LOW),
    ("i just want to stop existing", LOW),
    ("haluisin vaan lakata olemasta", LOW),
    # a wish that it all ends
    ("toivon et tää kaikki loppuis jo", MEDIUM),
    ("kunpa mun elämä loppuis", MEDIUM),
    ("i wish it would all just end", MEDIUM),
    ("i want my life to be over", MEDIUM),
    ("önskar att allt bara tog slut", MEDIUM),
    # out of this life, not here any more
    ("haluun päästä pois tästä maailmasta", MEDIUM),
    ("miten pääsis pois tästä elämästä", MEDIUM),
    ("lähtisin mielummin pois tästä maailmasta", MEDIUM),
    ("en haluu enää olla täällä", MEDIUM),
    ("i can't keep living anymore", MEDIUM),
    ("det är ingen idé att leva", MEDIUM),
    # a burden
    ("tuntuu et mä oon pelkkä taakka", LOW),
    ("oon ollu vaan taakka mun perheelle", LOW),
    ("i feel like such a burden", LOW),
    ("im just a burden to my family", LOW),
    ("känner mig som en börda för alla", LOW),
    # self-harm that helps
    ("viiltely on ainoo mikä auttaa", MEDIUM),
    ("mua helpottaa vaan viiltely", MEDIUM),
    ("cutting is the only thing that helps", MEDIUM),
    ("hurting myself calms me down", MEDIUM),
    # hitting, burning until it bleeds
    ("i hit the wall until my knuckles bled", MEDIUM),
    ("punched the wall again and my hand is bleeding", MEDIUM),
    ("hakkasin seinää kunnes rystyset vuoti verta", MEDIUM),
    ("slog i väggen tills knogarna blödde", MEDIUM),
    ("poltin ihoa tupakalla", MEDIUM),
    # scratching, carving with a tool, hidden
    ("raavin käsiä saksilla ettei kukaan huomaa", MEDIUM),
    ("kaiverrin reiteen harpilla", MEDIUM),
    ("carving into my thigh with a pencil sharpener blade", MEDIUM),
    ("rispar armarna med en nål så ingen ser", MEDIUM),
    # a relapse
    ("retkahdin viiltelyyn eilen", MEDIUM),
    ("relapsed last night after 200 days, cut again", MEDIUM),
    ("olin puol vuotta ilman viiltelyä mut repsahdin", MEDIUM),
    ("two years free of self harm and then i relapsed yesterday", MEDIUM),
    # slang, elongated and spoken forms
    ("lowkey gonna kmsss", MEDIUM),
    ("might just unalive tonight", MEDIUM),
    ("ready to rope fr", MEDIUM),
    ("gonna neck myself", MEDIUM),
    ("pallar int leva mer", MEDIUM),
    ("vill bara döö", MEDIUM),
    ("i wanna dieee", MEDIUM),
    ("haluun kuollaaa", MEDIUM),
    ("honestly i'd rather die", MEDIUM),
    ("i would rather be dead than go back there", MEDIUM),
    # at a high place, with the jump in another clause
    ("menen sillalle tänä yönä ja hyppään", HIGH),
    ("oon nyt katolla ja mietin hyppäämistä", HIGH),
    ("i'm on the roof right now and i'm going to jump", HIGH),
    ("står på bron nu och tänker hoppa", HIGH),
    ("i'm at the bridge now, this is it", HIGH),
    # goodbyes: "don't blame yourselves", "tell mum I love her", "take care of each other"
    ("älkää syyttäkö itseänne, tää ei oo kenenkään vika. hyvästi", HIGH),
    ("don't blame yourselves. goodbye", HIGH),
    ("säg till mamma att jag älskar henne, förlåt", HIGH),
    ("pitäkää huolta toisistanne, en jaksa enää", HIGH),
    # stockpiling
    ("oon kerännyt unilääkkeitä jo pari kuukautta", HIGH),
    ("i've been stockpiling my meds for weeks", HIGH),
    ("jag har sparat tabletter i månader", HIGH),
    ("mulla on nyt tarpeeks pillereitä", HIGH),
    # ready to die, a wish that it were over
    ("mä oon ihan valmis kuolemaan", MEDIUM),
    ("mä haluisin et kaikki ois jo ohi", MEDIUM),
    ("i want it all to be over", MEDIUM),
    ("jag vill att allt ska vara över", MEDIUM),
    # "!" straight after a word folds to "i"
    ("jag vill dö!", MEDIUM),
    ("kms!!", MEDIUM),
    ("i wanna die!", MEDIUM),
    ("oon pelkkä taakka!", LOW),
    ("jag ska hänga mig!", HIGH),
    # one's own, even when said in class or therapy
    ("puhuttiin terapiassa mun itsemurha-ajatuksista", MEDIUM),
    ("in health class i realised i have suicidal thoughts", MEDIUM),
    # families added after moderation_final.jsonl: hopelessness said without "die"
    ("ihan sama oonko mä olemassa vai en", LOW),
    ("en jaksa tätä elämää enää, tätä elämää ei vaan jaksa", LOW),
    ("ei oo enää mitään mitä odottaa elämältä", LOW),
    ("en näe mitään syytä elää", LOW),
    ("en nää mitään järkeä jatkaa enää", LOW),
    ("kaikki tuntuu ihan toivottomalta", LOW),
    ("vad är ens poängen med att leva längre", LOW),
    ("det finns ingen anledning att leva", LOW),
    ("allt känns så hopplöst", LOW),
    ("orkar inte leva mer", LOW),
    ("what is even the point of living", LOW),
    ("there's no reason to keep living", LOW),
    ("i have nothing left to live for", LOW),
    # a wish to die as a daydream, or asked of others
    ("haaveilen usein että kuolisin unissani", MEDIUM),
    ("unelmoin et mua ei ois", MEDIUM),
    ("jag drömmer om att dö", MEDIUM),
    ("i fantasize about dying a lot", MEDIUM),
    ("det vore bättre om jag var död", MEDIUM),
    ("onskar att jag aldrig vaknade igen", MEDIUM),
    ("onks muilla et ajattelee tappaa ittensä", MEDIUM),
    ("does anyone else think about killing themselves", MEDIUM),
    ("finns det nån annan som tänker på att ta livet av sig", MEDIUM),
    # self-harm said another way: punishing myself, tearing the skin, cutting again
    ("rankasen itteäni kun en syö", MEDIUM),
    ("i punish myself by not eating", MEDIUM),
    ("jag straffar mig själv genom att inte äta", MEDIUM),
    ("raavin ihoa verille kunnes vuotaa", MEDIUM),
    ("i pick my skin until it bleeds", MEDIUM),
    ("jag har börjat skära mig igen", MEDIUM),
    # last letters, means meant to be used, all of them taken, decided, painless
    ("kirjoitin kirjeet vanhemmille, anteeksi kaikki", HIGH),
    ("skrev brev till min bror, förlåt", HIGH),
    ("i wrote a note for my mum. goodbye", HIGH),
    ("köysi on kaapissa ja aion käyttää sitä", HIGH),
    ("i have a rope and i'm gonna use it tonight", HIGH),
    ("nielin kaikki unilääkkeet", HIGH),
    ("i took all my sleeping pills", HIGH),
    ("jag tog alla mina tabletter", HIGH),
    ("päätin et teen sen huomenna, älkää yrittäkö estää", HIGH),
    ("don't try to stop me, i've decided", HIGH),
    ("mikä on kivuttomin tapa kuolla", HIGH),
    ("painless way to die?", HIGH),
    ("mä oon päättäny et teen sen tänään", HIGH),
    ("used to self harm, relapsed again last night", MEDIUM),
    ("mitä järkee tässä on elää", LOW),
    ("mulla ei oo mitään minkä takia elää", LOW),
    ("ei oo mitään syytä herätä aamulla", LOW),
    ("en ansaitse elää", LOW),
    ("i don't deserve to live", LOW),
    ("jag förtjänar inte att leva", LOW),
    ("ostin köyden", MEDIUM),
    ("har köpt ett rep", MEDIUM),
    ("i bought a rope today", MEDIUM),
    ("i can't do this anymore, i just want it to end", MEDIUM),
    ("annoin kaikki mun tavarat pois kavereille", LOW),
    ("i gave away all my stuff this week", LOW),
    ("jag har gett bort alla mina saker", LOW),
    ("googlasin montako pilleriä tarvitaan", LOW),
    ("ei musta oo kenellekään mitään hyötyä", LOW),
    ("mietin hyppäämistä sillalta", MEDIUM),
    # added from moderation/training: death as the way out, others' intent, not here then,
    # not for long, deserving pain, self-harm said other ways, gone for good, and more
    # death as the only way out
    ("kuolema alkaa tuntua ainoalta ratkaisulta", MEDIUM),
    ("ainoo ulospääsy on kuolema, en nää muuta", MEDIUM),
    ("oon alkanu nähdä kuoleman ratkaisuna", MEDIUM),
    ("döden är den enda utvägen för mig nu", MEDIUM),
    ("death seems like the only way out now", MEDIUM),
    # someone else says they will kill themselves
    ("mun sisko uhkas tappaa ittensä tänään, mitä teen", MEDIUM),
    ("min kompis säger att han ska ta livet av sig i helgen", MEDIUM),
    ("my cousin said he's going to kill himself tonight", MEDIUM),
    # not here or alive at a time to come
    ("en aio olla enää olemassa ens kuussa", MEDIUM),
    ("mua ei enää oo ensi viikolla", MEDIUM),
    ("en tiiä ooks mä hengissä ensi kuussa", MEDIUM),
    ("jag kommer inte vara vid liv till sommaren", MEDIUM),
    ("i won't be alive by next month", MEDIUM),
    # nobody will have to put up with me for long
    ("teidän ei tarvii huolehtia musta enää kauaa", MEDIUM),
    ("ni behöver inte oroa er för mig mycket längre", MEDIUM),
    ("you won't have to deal with me for much longer", MEDIUM),
    # deserving pain, starving as punishment
    ("en oo syöny tänään koska en ansaitse ruokaa", MEDIUM),
    ("jag har inte ätit idag för jag förtjänar det inte", MEDIUM),
    ("skipped dinner again, i don't deserve food", MEDIUM),
    # self-harm said without naming it
    ("käytin eilen taas terää", MEDIUM),
    ("sammutin tupakan ranteeseen", MEDIUM),
    ("river mig själv tills det blöder", MEDIUM),
    ("i cut last night and hid it", MEDIUM),
    ("pressed a hot lighter against my arm", MEDIUM),
    # gone for good
    ("haluun vaan häipyä täältä pysyvästi", MEDIUM),
    ("poistun tästä maailmasta kohta", MEDIUM),
    ("vill bara försvinna för gott", MEDIUM),
    ("i want to vanish permanently", MEDIUM),
    # wanting to die, said other ways
    ("kuolisin mieluummin", MEDIUM),
    ("voisinpa vaan kuolla pois", MEDIUM),
    ("hoppas att jag dör i natt", MEDIUM),
    ("vet inte varför, men jag tänker på att dö hela tiden", MEDIUM),
    ("i keep googling ways to die", MEDIUM),
    # better dead, better if I did not exist
    ("olis helpompaa olla kuollu", LOW),
    ("jos mä kuolisin niin kaikilla ois parempi", LOW),
    ("det vore skönare att va död", LOW),
    ("it would be a relief to be dead", LOW),
    ("mun ei kuuluis olla elossa", LOW),
    # walking into the water
    ("kävelen järveen enkä tule takaisin", HIGH),
    ("jag vill gå ut i sjön och aldrig komma tillbaka", HIGH),
    # "you know why"
    ("jos en vastaa huomenna ni tiedätte miksi", MEDIUM),
    ("if i'm not online tomorrow you know why", MEDIUM),
    # a date picked, how it ends decided
    ("mulla on suunnitelma ja päivä", HIGH),
    ("i've set a date. sunday", HIGH),
    ("oon päättäny miten tää päättyy", HIGH),
    # not needed where I am going
    ("annoin mun pleikan serkulle. en tarvii sitä enää", MEDIUM),
    ("gave my headphones to my sister, i won't need them", MEDIUM),
    # today is the day, all over tomorrow, with a goodbye
    ("tänään se tapahtuu, anteeks", HIGH),
    ("tomorrow it will all be over, goodbye", HIGH),
    # could not hold on longer
    ("anteeks etten jaksanu pidempään", MEDIUM),
    ("i can't hold on much longer", MEDIUM),
    # just in case, my funeral
    ("tein testamentin ja kirjeet lapsille", LOW),
    ("if something happens to me, please take care of my hamster", LOW),
    ("mietin kuka tulis mun hautajaisiin", LOW),
    ("kukaan ei kaipais mua", LOW),
    # said other ways: biting, burning, head, "should die"
    ("puren kättä kunnes tulee verta", MEDIUM),
    ("oon tehny itelleni jälkiä", MEDIUM),
    ("jag borde bara dö", MEDIUM),
    ("dont wanna live anymore", MEDIUM),
    ("toivon etten herää enää", MEDIUM),
    # the sea, the darkness; a garage
    ("pimeys kutsuu ja mä haluun mennä sinne pysyvästi", MEDIUM),
    ("istun autossa autotallissa moottori käynnissä", HIGH),
    # last words, pills out, tonight
    ("tää on mun viimeinen viesti tänne", MEDIUM),
    ("tell my dad it wasn't his fault", MEDIUM),
    ("the pills are on the table in front of me", MEDIUM),
    ("tänä yönä mä teen sen. anteeks", HIGH),
    # decided and calm; the attempt
    ("oon tehny päätöksen ja oon ihan rauhallinen", LOW),
    ("the last attempt failed, the next one will work", LOW),
    # how I would do it, no next year, better without me, next time finishing it
    ("tiedän jo miten mä sen teen", MEDIUM),
    ("i lie awake planning how i'd do it", MEDIUM),
    ("joka yö mietin miten sen tekisin", MEDIUM),
    ("there is no next year for me", MEDIUM),
    ("everyone would be better without me", MEDIUM),
    ("i'm hoping i won't wake up tomorrow", MEDIUM),
    ("jag vill skada mig ikväll", MEDIUM),
    ("min syster har skurit sig och säger att nästa gång gör hon klart det", MEDIUM),
    ("he cut his arms and says next time he'll do it properly", MEDIUM),
    ("seison sillalla just nyt", HIGH),
    ("goodbye all, thanks for being my friends", HIGH),
]

# The nearest ordinary lines to each family: they must stay quiet.
FAMILY_NEGATIVES = [
    # dosing questions
    "kuinka monta buranaa saa ottaa päivässä",
    "how many ibuprofen can i take for a headache",
    "montako pilleriä lääkäri sano et pitää ottaa",
    "hur många alvedon får man ta per dag",
    "i took 2 pills for my headache",
    "otin kaikki lääkkeet mukaan reissuun",
    "i'm saving my pills for the trip",
    "otin jo lääkkeet aamulla",
    "i already took them this morning, thanks for reminding",
    "ambulanssi tuli hakemaan mummon",
    # blades, ropes, guns for what they are for
    "ostin uudet terät höylään, nyt saa ajettua parran",
    "köpte rakblad för att raka benen",
    "i bought new razor blades for shaving",
    "ostin köyden kiipeilyyn",
    "isä osti uuden haulikon ja mennään metsälle",
    "ammuin kaikki viholliset ja voitin",
    "my dad has a gun license, he hunts deer",
    "pappa har ett gevär för älgjakten",
    "mun isällä on aseenkantolupa",
    "we went shooting with my dad's rifle, was easy to learn",
    # last messages and goodbyes that are not last
    "tää on mun viimenen viesti tänään, kiitos kaikille ja hyvää yötä",
    "viimeinen viesti tästä aiheesta, kiitos vinkeistä",
    "last message for tonight, thanks all",
    "mitt sista meddelande i kväll, tack för idag",
    "this is my last post about this, thanks for the advice",
    "bye everyone, sorry i have to leave early today",
    "goodbye forever, school! graduated!",
    "hyvästi kesäloma 😭",
    "kiitos kaikesta, oli ihana leiri!",
    "tack för allt, vi ses nästa vecka",
    # decisions with their own object
    "oon päättäny et haen eroa, teen sen huomenna",
    "teen sen läksyn huomenna",
    "anteeks, teen sen huomenna",
    "i've decided to apply, i'll do it tomorrow",
    "ja har bestämt mig för att flytta, ja gör det i vår",
    "oon päättäny jo, haen toiseen kouluun",
    "päätin lopettaa tän harrastuksen",
    "aion lopettaa tämän kurssin kesken",
    "we decided to end this meeting early",
    # traffic, trains, platforms
    "melkein auto ajoi mun yli suojatiellä",
    "pelkään et joku ajaa mun päälle pyörällä",
    "i hope the bus is on time",
    "a car nearly hit me today",
    "rekka ajoi eteen ja jouduin jarruttaa",
    "i drove past the bridge",
    "hyppään seuraavaan junaan ja tuun sinne",
    "step off the train at pasila and walk left",
    "the train comes in 5 min, i'll step off at central",
    "i'm standing on the platform, train is late again",
    "vi gick ut på spåret och skidade",
    "menen radalle harjottelemaan pituushyppyä",
    "we jumped off the bridge into the river",
    # games and hair dye
    "what's the fastest way to die in elden ring lol",
    "nopein tapa kuolla minecraftissa on laava",
    "best way to dye my hair",
    # away for a while, tired, mornings
    "it'd be easier if i was gone for the weekend",
    "the kids will be fine if i'm gone for a few days",
    "it would be easier if i wasn't so tired",
    "ois helpompaa jos oisin poissa viikonlopun",
    "lapset pärjää kyllä ilman mua pari päivää",
    "barnen klarar sig bra utan mig i helgen",
    "i wish i didn't wake up so early",
    "hope i don't wake up late tomorrow",
    "önskar att ja int vaknade så tidigt",
    "en haluu herätä huomenna kouluun",
    "kunpa ei tarttis herätä aamulla",
    "my motivation stopped existing after lunch lol",
    "skönt att bara försvinna en helg till stugan",
    "jag vill försvinna från sociala medier ett tag",
    "haluun kadota maan alle häpeästä",
    "sometimes i wish i could disappear for a weekend",
    # "wish it would end", about a week, an exam, a city
    "toivon et kaikki loppuu hyvin",
    "kunpa tää viikko loppuis jo",
    "haluun että tää viikko loppuu jo",
    "i wish this week would end",
    "önskar att skolan tog slut",
    "pääsin pois siitä elämästä ku lopetin huumeet",
    "haluun pois tästä kaupungista",
    "en jaksa enää tätä koulua",
    "pallar int plugga mer",
    "orkar int mer med skolan",
    # a burden that is not me, or not about living
    "verot on taakka yrittäjille",
    "oon taakka tässä projektissa",
    "tuntuu et oon taakka ryhmätyössä",
    "en haluu olla taakka kenellekään",
    "i'm a burden on the team this season lol",
    "the mortgage is a burden",
    # hurting at sport, itching, carving wood, other relapses, recovery
    "mikä auttaa viiltelyn lopettamisessa?",
    "cutting sugar is the only thing that helps my skin",
    "i trained at the boxing gym until my hands were sore",
    "hakkasin nyrkkeilysäkkiä koko illan",
    "scratching my arms, this eczema is killing me",
    "raavin hyttysenpistoja käsissä",
    "kaiversin puuhun meidän nimet",
    "harpilla piirrettiin ympyröitä matikan tunnilla",
    "relapsed on smoking, so annoying",
    "retkahdin taas herkkuihin",
    "fri från självskada sen i våras",
    "six months self harm free today!",
    "oon ollu vuoden irti viiltelystä",
    "har slutat skära mig, ett halvår nu",
    "oon ollu viiltelemättä vuoden!",
    # taught, read, someone else's, denied
    "historian tunnilla puhuttiin itsemurhista sodan aikana",
    "biologian tunnilla käsiteltiin itsetuhoisuutta",
    "we read a poem about suicide in english class",
    "vi pratade om självmord på hälsokunskapen",
    "13 reasons why is about suicide",
    "kaverilla on itsetuhosia ajatuksia, miten voisin auttaa?",
    "my friend told me she's suicidal, what should i do?",
    "my sister self harms and i don't know how to help",
    "my uncle took his own life last year",
    "terveydenhoitaja kysy onks mulla itsetuhosia ajatuksia, ei oo",
    "ei mulla oo itsemurha-ajatuksia, oon vaan väsyny",
    "i'm not suicidal, just really sad",
    # high places for what they are for
    "menen sillalle kattoo auringonlaskua",
    "oon katolla korjaamassa antennia",
    "i'm on the roof fixing the gutter, might jump on the trampoline after",
    "hyppäsin katolta hankeen",
    "pitäkää huolta itsestänne tänä viikonloppuna!",
    "don't blame yourselves, the game was rigged",
    "kerään pantillisia pulloja",
    "i've been stockpiling snacks for the movie night",
    "mulla on tarpeeks lääkkeitä koko lomalle",
    "otan mun masennuslääkkeet aamulla kerralla kaikki",
    "i take all my pills in the morning",
    "mä oon valmis koeviikkoon",
    "haluisin et kaikki kokeet ois jo ohi",
    # idioms
    "kuolin nauruun",
    # idioms
    "kuolin nauruun",
    "kuolen tylsyyteen",
    "tää koe tappaa mut",
    "I'm dying to see it",
    "ma dör av skratt",
    "ja vill dö av skam",
    "i'm gonna die if i don't pass this test",
    "kmsl that video is so funny",
    "we ran 5 kms",
    "rope in a few friends to help",
    "he unalived the villain in the game",
    "i'd rather die than wear that lol",
    # near the families added after moderation_final.jsonl
    "ihan sama mitä syödään",
    "ei oo mitään mitä odottaa tällä viikolla",
    "en nää mitään syytä jatkaa tätä kurssia",
    "vad är meningen med livet tror ni",
    "orkar inte plugga mer idag",
    "what's the point of this meeting",
    "nothing to look forward to this weekend",
    "haaveilen lomasta",
    "i dream about dying my hair",
    "onks muilla et lapset ei haluu syödä",
    "rankasin lasta jäähyllä",
    "i punish my kids with timeouts",
    "revin paperin rikki",
    "kirjoitin kirjeen mummolle jouluksi",
    "wrote letters to my friends for christmas",
    "köysi kiipeilyyn",
    "otin kaikki lääkkeet aamulla",
    "päätin et teen sen esseen huomenna",
    "don't try to stop me from buying that dress lol",
    "mulla oli tapana viillellä mutta nyt oon ollu vuoden ilman",
    "i just want to disappear to the mountains for a week",
    "jag skar mig själv förut men nu mår jag bra",
    "ostin köyden veneeseen",
    "i bought a rope for climbing",
    "mitä järkeä on mennä kouluun huomenna",
    "ei oo mitään syytä herätä aikaisin lauantaina",
    "i want this week to end already",
    "i can't do this homework anymore, i want it to end",
    "en ansaitse tätä palkkaa",
    "you don't deserve to live here lol",
    "ihan sama oonko mä töissä vai en",
    "allt känns meningslöst i skolan just nu",
    "kirjoitin kirjeen isälle sen synttäreille",
    "wrote a letter to my dad for his birthday",
    "jag straffar mig själv med att plugga mer",
    "i punish myself with extra gym sessions",
    "drömmer om att döpa hunden till Bosse",
    "katolle pääsee ovesta joka on aina auki",
    "does anyone else think about killing time on weekends",
    "annoin kaikki mun vanhat vaatteet pois kirppikselle",
    "gave away all my old clothes",
    "ei musta oo kenellekään mitään hyötyä tässä pelissä",
    "googlasin montako buranaa saa ottaa",
    "mietin hyppäämistä laiturilta veteen",
    # aimed at someone else: harassment, not the author's crisis
    "go jump off a bridge loser",
    "hope you die in a ditch",
    "mee hirttää ittes",
    "hoppas du dör",
    "nobody would miss you if you disappeared",
    "everyone would be happier without you",
    # near the families added from moderation/training
    "kuolema on aina ainoa varma asia elämässä",
    "my uncle would never kill himself, he was happy",
    "he killed himself laughing at that video",
    "en aio olla täällä ensi viikolla, oon lomalla",
    "mua ei oo huomenna koulussa",
    "i won't be here next week, we're going on holiday",
    "jos oon vielä elossa tentin jälkeen lol",
    "if i'm still alive after this exam i'm getting pizza",
    "äiti ei tarvii huolehtia musta, pärjään itse",
    "en ansaitse tätä palkintoa",
    "i deserve a break after this week",
    "käytin terää paketin avaamiseen",
    "i cut my hair last week",
    "still cutting down on sugar",
    "lähden facebookista lopullisesti",
    "i want this acne to disappear for good",
    "kuolen mieluummin ku syön sieniä",
    "jag dör av skam",
    "how to dye my hair",
    "ois helpompaa olla kotona viikonloppuna",
    "jos mua ei ois kotona, soita isälle",
    "if i wasn't around to help, they'd be fine",
    "kävelin veteen uimaan",
    "we walked into the lake to cool off",
    "do you know why the bus is late",
    "we picked a date for the wedding",
    "valitsin päivän hääpäiväksi",
    "annoin mun vanhat luistimet pois ku kasvoin niistä",
    "tänään on se päivä, eka keikka!",
    "huomenna kaikki on ohi – siis ylioppilaskirjotukset",
    "hold on a sec",
    "soittakaa mun äidille jos mulle käy jotain retkellä",
    "we made a will when our son was born",
    "mun hautajaisbiisi ois joku abba lol",
    "bussi meni ohi ja jouduin kävelee",
    "tell my mom i'll be late",
    "otin pillerit aamulla",
    "tänä iltana mä teen sen esseen",
    "i've decided to apply for the job",
    "ostin meren rannalta jäätelön",
    "the sea was calm today",
    "istuin autossa tallissa ja kuuntelin musaa",
    "raavin selkää",
    "en ees pysty elämään ilman kahvia",
    "sorry, you know why i was late",
    "today's the day! bye, off to the exam",
    "muutettiin meren rannalle pysyvästi",
    "play this song at my funeral lol",
    "mua ei enää oo kiinnostanu koko juttu",
    "en oo enää ensi vuonna tässä koulussa",
    "käytin uutta terää parran ajoon",
    "syötiin kakkua, ansaitsen sen",
    "äter glass för jag förtjänar det",
    "puhuttiin tänään siitä miks jotkut tappaa itsensä",
    "tiedän jo miten teen sen esseen",
    "planning how to do it with the kids this weekend",
    "mietin miten sen tekisin, onks vinkkejä?",
    "the team would be better without me this season",
    "hope i don't wake up late tomorrow",
    "i'll finish it tonight, promise",
    "next time we finish it together",
    "i'm standing on the bridge right now, where are you?",
    "jag vill skada mig lite mindre på träningen",
]


@pytest.mark.parametrize(("text", "least"), POSITIVES + FAMILIES)
def test_crisis_forms_are_found_at_least_at_their_severity(text: str, least: Severity) -> None:
    finding = crisis(text)
    assert finding is not None, text
    assert finding.category is Category.CRISIS
    assert finding.severity >= least, (text, finding.severity)


@pytest.mark.parametrize("text", NEGATIVES + FAMILY_NEGATIVES)
def test_ordinary_hard_talk_is_left_alone(text: str) -> None:
    assert crisis(text) is None, text


def test_the_tables_are_large_enough() -> None:
    assert len(POSITIVES) >= 40
    assert len(NEGATIVES) >= 30
    assert len(FAMILIES) >= 100
    assert len(FAMILY_NEGATIVES) >= 100


def test_a_span_points_at_the_words_in_the_original_text() -> None:
    text = "Moi. Tapan itteni"
    finding = crisis(text)
    assert finding is not None
    assert finding.severity is HIGH
    start = text.index("Tapan")
    assert any(span.start == start and span.end == len(text) for span in finding.spans)


def test_spans_survive_folding_of_shouting_and_repeated_letters() -> None:
    text = "Hei kaikki. HALUUN KUOOOLLA tänä yönä!!"
    finding = crisis(text)
    assert finding is not None
    found = {text[span.start : span.end]: span.label for span in finding.spans}
    assert found == {"HALUUN KUOOOLLA": "suicidal", "tänä yönä": "time"}


def test_a_time_raises_a_wish_to_die_one_step() -> None:
    plain, timed = crisis("haluun kuolla"), crisis("haluun kuolla tänä yönä")
    assert plain is not None and timed is not None
    assert (plain.severity, timed.severity) == (MEDIUM, HIGH)


def test_a_passive_wish_is_low_and_a_plan_is_high() -> None:
    passive, plan = crisis("en haluis herätä"), crisis("köysi on piilossa sängyn alla")
    assert passive is not None and plan is not None
    assert (passive.severity, plan.severity) == (LOW, HIGH)


def test_every_signal_pattern_has_a_literal_beginning() -> None:
    """A signal pattern is tried only where one of its literal beginnings starts a word; one
    whose beginning cannot be computed ("\\w+ ...", "[ab]...", "(?:x)? ...", "(?:a|bc)...") is
    searched over the whole of every message and slows the pipeline: start it with two
    plain letters or a group of such alternatives."""
    data = tomllib.loads((LEXICONS / "crisis.toml").read_text(encoding="utf-8"))
    for signal in data["signals"]:
        for pattern in signal["patterns"]:
            assert prefixes(pattern) is not None, (signal["label"], pattern)
