/** Provider evidence, as described by schemas/evidence.schema.json. */

export interface ProviderEvidence {
  tilbudId: string;
  cvr: string;
  name: string;
  kommunekode: string;
  ownerType: 'kommunal' | 'regional' | 'privat';
  places?: number;
}

export interface StaffMember {
  ref: string;
  profession: string;
  fte: number;
  advisoryDuty?: boolean;
  educations?: { education: string; year: number }[];
  competences?: { competence: string; obtainedOn: string; basis?: string }[];
  courses?: { title: string; competence?: string; completedOn: string; hours: number }[];
  supervision?: { date: string; kind: 'ekstern' | 'intern'; hours?: number }[];
}

export interface CitizenCourses {
  entries?: { ref: string; startDate: string; endDate?: string; targetGroup: string }[];
  counts?: { periodStart: string; periodEnd: string; targetGroup: string; started: number }[];
}

export interface Agreement {
  partnerType: string;
  partnerName: string;
  validFrom: string;
  validTo?: string;
  formal: boolean;
  subject?: string;
}

export interface Organisation {
  methodFoundationDocumented?: boolean;
  methodFoundationReviewedOn?: string;
  methods?: string[];
  competencePlanUpdatedOn?: string;
  systematicOutcomeMeasurement?: boolean;
  userInvolvement?: boolean;
  targetGroups?: string[];
}

export interface Advisory {
  outreach?: boolean;
  responseTimeDays?: number;
  cases?: { startDate: string; recipientType: string }[];
  knowledgeActivities?: { date: string; kind: string; title?: string }[];
}

export interface Evidence {
  reportingDate: string;
  provider: ProviderEvidence;
  staff?: StaffMember[];
  citizenCourses?: CitizenCourses;
  agreements?: Agreement[];
  organisation?: Organisation;
  advisory?: Advisory;
}
